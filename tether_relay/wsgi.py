"""WSGI entry point of the host project."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")

application = get_wsgi_application()
