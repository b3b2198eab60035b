"""SmartGov: digital government and smart city platform for Vietnamese provinces and cities."""

from smartgov.celery import app as celery_app

__all__ = ["celery_app"]
