"""Environment for a test run, set before Django reads its settings.

Loaded as a pytest plugin (``-p tests.environment`` in pyproject.toml) so it
runs before pytest-django configures Django: a conftest.py would be too late.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-any-real-site"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
