"""WSGI entry point (gunicorn newsdesk.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_wsgi_application()
