"""WSGI entry point for gunicorn or granian (and the development server).

The front door (``smartgov.platform.frontdoor``) gives the addresses an app mounts — the data-exchange gateway's
``/r1/…`` and ``/listClients`` — to that app's lean WSGI application before Django's middleware, and everything else
to Django. ``smartgov exchange serve`` runs the gateway alone, with mutual TLS.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartgov.settings.production")

django_application = get_wsgi_application()

from smartgov.platform.frontdoor import FrontDoor  # noqa: E402 - Django must be set up first

application = FrontDoor(django_application)
