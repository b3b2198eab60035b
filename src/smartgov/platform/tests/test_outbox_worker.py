"""A real Celery worker on Redis delivers outbox events (CI runs this with PostgreSQL and Redis)."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction

from smartgov.platform.models import OutboxEvent
from smartgov.platform.services.outbox import event_publish
from smartgov.platform.testing import topics_declared

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _made_up_topics():
    """The topics these tests publish are made up here, declared for the test only."""
    with topics_declared("platform.test.*"):
        yield


@pytest.fixture
def worker(settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the real-worker test runs in CI")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it shares with the test: run with DATABASE_URL on PostgreSQL")
    broker = settings.CELERY_BROKER_URL  # the broker this test process publishes to
    db = connection.settings_dict
    env = dict(
        os.environ,
        CELERY_BROKER_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "smartgov", "worker", "--pool=solo", "--concurrency=1", "-l", "WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    from smartgov.celery import app

    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def _wait_delivered(event_id, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if OutboxEvent.objects.filter(pk=event_id, done_at__isnull=False).exists():
            return True
        time.sleep(0.25)
    return False


def test_worker_delivers_on_commit_and_by_sweep(worker):
    with transaction.atomic():
        event = event_publish(topic="platform.test.worker", payload={"n": 1})
    assert _wait_delivered(event.id), worker.stderr.read1().decode() if worker.poll() is not None else "timeout"

    # An event whose hand-over was lost (a crash after commit) is delivered by the sweep task on the worker.
    from unittest import mock

    from smartgov.platform.tasks import outbox_sweep_task

    with mock.patch("smartgov.platform.services.outbox._hand_over"), transaction.atomic():
        lost = event_publish(topic="platform.test.worker", payload={"n": 2})
    assert OutboxEvent.objects.get(pk=lost.pk).done_at is None
    outbox_sweep_task.delay()
    assert _wait_delivered(lost.id)
