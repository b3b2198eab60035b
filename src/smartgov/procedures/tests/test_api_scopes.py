"""Access tokens open only what their scopes name (issue 13, finding 3): a third-party client granted only `openid`
reads no dossier, document, result or queue and writes no draft; the same calls with the right scope work; a browser
session is not limited by scopes. Each refusal is a clean 403 problem in the person's language."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from smartgov.procedures.models import Dossier, DossierResult
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import BIRTH, submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def _bearer(user, scope: str) -> Client:
    """A third-party client's token for ``user`` with ``scope`` (issued by SmartGov's provider)."""
    app, _ = get_application_model().objects.get_or_create(
        client_id="third-party", defaults={"name": "Ứng dụng bên thứ ba", "client_type": "public",
                                           "authorization_grant_type": "authorization-code", "algorithm": "RS256"},
    )  # fmt: skip
    token = f"tok-{uuid.uuid4().hex}"
    get_access_token_model().objects.create(
        user=user, application=app, token=token, scope=scope, expires=timezone.now() + timedelta(minutes=5)
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _refused(answer, scope: str) -> None:
    assert answer.status_code == 403, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "insufficient_scope"
    assert body["title"] == f"Mã truy cập này không có phạm vi {scope}."  # Vietnamese first


def _finished(hp):
    dossier = submitted(hp)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    return svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk).dossier


def test_an_openid_token_reads_no_dossier_and_dossiers_read_does(hp):
    dossier = submitted(hp)
    narrow, reader = _bearer(hp.mai, "openid"), _bearer(hp.mai, "openid dossiers.read")
    for path in ("/dossiers", f"/dossiers/{dossier.pk}", f"/dossiers/{dossier.pk}/receipt.pdf",
                 f"/dossiers/{dossier.pk}/payments"):  # fmt: skip
        _refused(narrow.get(f"{API}{path}"), "dossiers.read")
        assert reader.get(f"{API}{path}").status_code == 200, path
    assert [d["id"] for d in reader.get(f"{API}/dossiers").json()] == [dossier.pk]
    mine = Client()
    mine.force_login(hp.mai)
    assert mine.get(f"{API}/dossiers/{dossier.pk}").status_code == 200  # a browser session is not limited by scopes


def test_an_openid_token_gets_no_signed_result_and_dossiers_read_does(hp):
    dossier = _finished(hp)
    assert DossierResult.objects.filter(dossier=dossier).exists()
    path = f"{API}/dossiers/{dossier.pk}/result.pdf"
    _refused(_bearer(hp.mai, "openid").get(path), "dossiers.read")
    answer = _bearer(hp.mai, "openid dossiers.read").get(path)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"


def test_an_openid_token_reads_no_document_store_and_documents_read_does(hp):
    _finished(hp)  # the signed result lands in the citizen's store
    _refused(_bearer(hp.mai, "openid dossiers.read").get(f"{API}/documents"), "documents.read")
    answer = _bearer(hp.mai, "openid documents.read").get(f"{API}/documents")
    assert answer.status_code == 200 and answer.json()


def test_an_openid_or_read_only_token_writes_no_draft_and_dossiers_write_does(hp):
    draft = {"procedure_code": "1.001193", "receiving_agency": "000.21.07.H31", "form_data": BIRTH}
    for scope in ("openid", "openid dossiers.read"):
        _refused(_bearer(hp.mai, scope).post(f"{API}/dossiers", draft, content_type="application/json"),
                 "dossiers.write")  # fmt: skip
    assert not Dossier.objects.filter(applicant=hp.mai).exists()
    created = _bearer(hp.mai, "openid dossiers.write").post(f"{API}/dossiers", draft, content_type="application/json")
    assert created.status_code == 201, created.content
    dossier_id = created.json()["id"]
    _refused(_bearer(hp.mai, "openid").post(f"{API}/dossiers/{dossier_id}/withdraw", {}, "application/json"),
             "dossiers.write")  # fmt: skip


def test_an_officers_openid_token_reads_no_queue_and_queue_read_does(hp):
    dossier = submitted(hp)
    narrow, reader = _bearer(hp.officer, "openid"), _bearer(hp.officer, "openid queue.read")
    for path in ("/queue", f"/queue/{dossier.pk}", f"/queue/{dossier.pk}/moves", f"/queue/{dossier.pk}/payments"):
        _refused(narrow.get(f"{API}{path}"), "queue.read")
        assert reader.get(f"{API}{path}").status_code == 200, path
    assert [d["id"] for d in reader.get(f"{API}/queue").json()] == [dossier.pk]
    assert staff_client(hp.officer).get(f"{API}/queue/{dossier.pk}").status_code == 200  # the session: every scope
    # reading the queue is not processing it: a move needs dossiers.process
    _refused(reader.post(f"{API}/queue/{dossier.pk}/moves/accept", {"version": dossier.version}, "application/json"),
             "dossiers.process")  # fmt: skip


def test_a_leaders_token_needs_portal_sync_for_the_portals_backlog(hp):
    _refused(_bearer(hp.leader, "openid queue.read").get(f"{API}/portal-sync"), "portal.sync")
    assert _bearer(hp.leader, "openid portal.sync").get(f"{API}/portal-sync").status_code == 200
