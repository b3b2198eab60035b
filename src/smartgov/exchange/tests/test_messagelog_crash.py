"""Kill -9 of the gateway in the middle of a burst: every request that got an answer is in the message log."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from django.db import connection

from smartgov.exchange.messagelog.verify import log_verify
from smartgov.exchange.models import MessageRecord
from smartgov.exchange.services.messagelog import log_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kill_9_during_a_burst_loses_no_answered_request(exchange, settings, journal_dir):
    if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
        pytest.skip("the gateway process needs a database file it shares with the test")
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        SMARTGOV_EXCHANGE_JOURNAL_DIR=str(journal_dir),
        SMARTGOV_PKI_DIR=settings.SMARTGOV_PKI_DIR,
        SMARTGOV_AUDIT_KEY=settings.SMARTGOV_AUDIT_KEY,  # the gateway chains what it ships with the test's key
        SMARTGOV_EXCHANGE_INSTANCE="VN-HP",
        SMARTGOV_EXCHANGE_RATE_LIMIT="0",
    )
    gateway = subprocess.Popen(
        [sys.executable, "-m", "smartgov", "exchange", "serve", "--plain", "--port", str(port), "--threads", "8"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/031195001234"
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    deadline = time.monotonic() + 30
    while True:  # up and serving
        try:
            if requests.get(url, headers=headers, timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the gateway did not start"
        time.sleep(0.2)

    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst() -> None:
        session = requests.Session()
        session.trust_env = False
        while not stop.is_set():
            try:
                answer = session.get(url, headers=headers, timeout=5)
            except requests.RequestException:
                return  # the gateway is gone
            if answer.status_code == 200:
                with lock:
                    answered.append(answer.headers["X-Road-Request-Id"])

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    os.killpg(gateway.pid, signal.SIGKILL)  # the supervisor and its workers, all at once
    gateway.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(answered) > 50, "the burst was too small to mean anything"

    log_ingest()  # what the dead gateway had not taken into the database yet
    logged = set(MessageRecord.objects.values_list("record_id", flat=True))
    missing = {r for r in answered if r not in {str(x) for x in logged}}
    assert not missing, f"{len(missing)} answered requests are not in the log"
    assert MessageRecord.objects.count() == len(logged)  # and none twice
    assert log_verify().ok
