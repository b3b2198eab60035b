"""Synchronisation with the National Public Service Portal, against a local receiver: every status change is
pushed, signed (Standard Webhooks), once, in order per dossier; while the portal is down the changes wait in the
outbox."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from smartgov.platform.models import AuditEntry, OutboxEvent
from smartgov.platform.services.outbox import outbox_sweep
from smartgov.platform.webhooks import webhook_verify
from smartgov.procedures.models import DossierResult
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "whsec_cG9ydGFsLXNoYXJlZC1zZWNyZXQtZm9yLXRoZS10ZXN0cw=="


class Receiver:
    """The portal's end: verifies each push's Standard Webhooks signature with the shared secret."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.ids: list[str] = []
        self.up = True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not receiver.up:
                    self.send_response(503)
                elif not webhook_verify(secret=SECRET, headers=self.headers, body=body):
                    self.send_response(401)
                else:
                    receiver.received.append(json.loads(body))
                    receiver.ids.append(self.headers["webhook-id"])
                    self.send_response(202)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/dossier-status"


@pytest.fixture
def portal(settings):
    receiver = Receiver()
    settings.SMARTGOV_PORTAL_SYNC_URL = receiver.url
    settings.SMARTGOV_PORTAL_SYNC_SECRET = SECRET
    yield receiver
    receiver.server.shutdown()


def test_status_changes_reach_the_portal_once_and_in_order(hp, portal):
    dossier = submitted(hp)
    assert [(m["dossier_code"], m["status"]) for m in portal.received] == [(dossier.code, 1)]
    assert portal.received[0]["procedure_code"] == "1.001193"

    portal.up = False
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    pending = OutboxEvent.objects.filter(done_at__isnull=True, topic__startswith="procedures.dossier.")
    assert pending.count() == 2 and all(e.attempts == 1 for e in pending)  # the backlog, visible
    assert "503" in pending.get(topic="procedures.dossier.accept").last_error
    assert "earlier event" in pending.get(topic="procedures.dossier.assign").last_error

    portal.up = True
    pending.update(next_at=timezone.now())  # the back-off has passed
    outbox_sweep()
    outbox_sweep()  # the second one needed the first synchronised: at most one more sweep
    assert [m["status"] for m in portal.received] == [1, 2, 4]
    assert len({m["event_id"] for m in portal.received}) == 3
    assert portal.ids == [m["event_id"] for m in portal.received]  # webhook-id carries the event id
    outbox_sweep()
    assert len(portal.received) == 3  # delivered events are never sent again


def test_a_wrong_secret_is_refused_by_the_portal_and_retried(hp, portal, settings):
    settings.SMARTGOV_PORTAL_SYNC_SECRET = "not-the-shared-secret"
    submitted(hp)
    assert portal.received == []
    event = OutboxEvent.objects.get(topic="procedures.dossier.submit")
    assert event.done_at is None and "401" in event.last_error


def test_the_signed_result_goes_to_the_portal_with_the_finished_status(hp, portal):
    dossier = submitted(hp)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk)
    finished = [m for m in portal.received if m["status"] == 9]
    assert len(finished) == 1
    result = DossierResult.objects.get(dossier=dossier)
    sent = finished[0]["result"]
    assert sent["code"] == result.code and sent["sha256"] == result.sha256
    assert sent["verify_url"].endswith(f"/xac-thuc-ket-qua/?ma={result.code}")
    assert all("result" not in m for m in portal.received if m["status"] != 9)


def test_leaders_see_the_backlog_and_retry_it(hp, portal):
    portal.up = False
    dossier = submitted(hp)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    leader = staff_client(hp.leader)
    page = leader.get(reverse("procedures:portal-sync"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(dossier.code) == 2 and "Cổng trả lời mã 503." in text  # both wait, with the portal's answer

    assert staff_client(hp.officer).get(reverse("procedures:portal-sync")).status_code == 403
    assert staff_client(hp.officer).post(reverse("procedures:portal-sync-retry")).status_code == 403

    portal.up = True
    answer = leader.post(reverse("procedures:portal-sync-retry"), follow=True)
    assert [m["status"] for m in portal.received] == [1, 2]
    assert dossier.code not in answer.content.decode()  # nothing is waiting any more
    assert AuditEntry.objects.filter(action="procedures.portal_sync.retry").count() == 1


def test_the_backlog_through_the_json_api(hp, portal):
    portal.up = False
    dossier = submitted(hp)
    leader = staff_client(hp.leader)
    waiting = leader.get("/api/v1/procedures/portal-sync").json()
    assert waiting["enabled"] and waiting["pending"] == 1 and waiting["waiting"][0]["dossier_code"] == dossier.code
    assert staff_client(hp.officer).get("/api/v1/procedures/portal-sync").status_code == 403
    portal.up = True
    after = leader.post("/api/v1/procedures/portal-sync/retry").json()
    assert after["pending"] == 0 and [m["status"] for m in portal.received] == [1]
