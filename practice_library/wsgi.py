"""WSGI entry point, used by gunicorn: `gunicorn practice_library.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice_library.settings")

application = get_wsgi_application()
