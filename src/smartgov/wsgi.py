"""WSGI entry point for gunicorn or granian (and the development server).

The data-exchange gateway's addresses (``/r1/…``, ``/listClients``) are answered by its own lean WSGI
application before Django's middleware; everything else goes to Django. ``smartgov exchange serve`` runs the
gateway alone, with mutual TLS.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartgov.settings.production")

django_application = get_wsgi_application()

from smartgov.exchange.gateway import Gateway  # noqa: E402 - Django must be set up first

application = Gateway(django_application)
