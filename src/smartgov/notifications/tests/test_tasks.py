"""A real Celery worker on Redis is killed in the middle of sending a notification; the task goes to a new
worker process and every channel still gets the message exactly once (CI: PostgreSQL and Redis)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from smartgov.notifications.models import Delivery, Notification

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _wait(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def worker(settings, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the real-worker test runs in CI")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it shares with the test: run with DATABASE_URL on PostgreSQL")
    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = dict(
        os.environ,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}",
        SMARTGOV_SMS_BACKEND="smartgov.notifications.tests.slow_sms.SlowFileSmsBackend",
        SMARTGOV_TEST_SMS_DIR=str(tmp_path),
        EMAIL_URL=f"filemail:///{mail_dir}",  # django-environ drops one slash: four make an absolute path
    )
    # prefork: the parent stays, the child running the task is the one killed; the parent puts the task back
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "smartgov", "worker", "--pool=prefork", "--concurrency=1",
         "-l", "WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from smartgov.celery import app

    app.conf.task_always_eager = False
    try:
        yield tmp_path, mail_dir
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def test_a_worker_killed_mid_send_still_delivers_once_per_channel(hp, worker, submit_dossier):
    folder, mail_dir = worker
    hp.mai.email = "mai@example.vn"
    hp.mai.email_verified_at = hp.mai.phone_verified_at = timezone.now()
    hp.mai.save()
    submit_dossier(hp)  # the outbox event goes to the worker, which makes the deliveries and sends them
    assert _wait(lambda: Delivery.objects.filter(user=hp.mai).count() == 3), "no deliveries made"
    sms = Delivery.objects.get(user=hp.mai, channel="sms")
    started = folder / f"started-{sms.pk}"
    assert _wait(started.exists), "the SMS was never started"
    os.kill(int(started.read_text()), signal.SIGKILL)  # the worker process dies in the middle of the send
    assert _wait(lambda: Delivery.objects.filter(user=hp.mai, state="done").count() == 3), list(
        Delivery.objects.values_list("channel", "state", "attempts", "last_error")
    )
    time.sleep(2)  # anything sent twice would show up by now
    assert (folder / "accepted.log").read_text().split() == [str(sms.pk)]
    assert Notification.objects.filter(user=hp.mai).count() == 1
    assert len(list(Path(mail_dir).iterdir())) == 1
