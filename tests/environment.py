"""Environment for a test run, set before Django reads its settings.

Loaded as a pytest plugin (``-p tests.environment`` in pyproject.toml) so it
runs before pytest-django configures Django: a conftest.py would be too late.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-any-real-site"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Built files go to a folder of the run's own (of each pytest-xdist worker's
# own); tests that want a build after a change ask for it.
if "DOWNLOADS_ROOT" not in os.environ or os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["DOWNLOADS_ROOT"] = tempfile.mkdtemp(prefix="pl-downloads-")
    atexit.register(shutil.rmtree, os.environ["DOWNLOADS_ROOT"], True)
os.environ.setdefault("DOWNLOADS_BUILD_AFTER_CHANGES", "false")
