"""Celery application. Eager (in-process) unless a broker URL is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartgov.settings")

app = Celery("smartgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
