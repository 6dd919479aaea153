"""ASGI entry point of the host project."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")

application = get_asgi_application()
