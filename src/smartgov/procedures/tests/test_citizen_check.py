"""An officer checks an applicant in the national population database: the one-stop shop calls through the
data-exchange gateway (in this process), with its own key and rights, and the call is in the message log."""

import pytest
from django.urls import reverse

from smartgov.exchange import selectors as exchange_selectors
from smartgov.exchange import services as ex
from smartgov.exchange.services import events
from smartgov.exchange.services.messagelog import log_ingest
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_officer_sees_the_national_record_beside_the_declaration(hp, exchange, exchange_one_stop):
    dossier = submitted(hp)
    officer = staff_client(hp.officer)
    url = reverse("procedures:citizen-check", args=[dossier.pk])

    refused = officer.post(url)  # the one-stop shop has no right to the service yet
    assert refused.status_code == 502 and "Server.ServerProxy.AccessDenied" in refused.content.decode()

    ex.access_grant(actor=None, service=exchange.service, subsystem=exchange_one_stop)
    page = officer.post(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Số 12 Trần Phú, phường Thành Đông" in text and "12/04/1995" in text
    assert text.count("badge-ok") == 1  # the full name matches what was declared
    log_ingest()
    (record,) = exchange_selectors.message_records_of("VN-HP/GOV/000.00.00.H31/MOTCUA").filter(status=200)
    assert record.user_id == "motcua.thanhdong" and record.path.endswith("/citizens/031195001234")

    assert staff_client(hp.other_officer).post(url).status_code in (403, 404)  # another ward's dossier
    assert officer.get(url).status_code == 405
    assert exchange_selectors.subsystems_with_code("MOTCUA") == 1


def test_a_birth_registered_here_reaches_the_subscribed_agency(hp, exchange, exchange_one_stop, exchange_receiver):
    receiver = exchange_receiver
    topic = events.topic_register(actor=None, code="ho-tich.khai-sinh", title="Khai sinh", publisher=exchange_one_stop)
    _sub, receiver.secret = events.subscription_add(
        actor=None, topic=topic, subscriber=exchange.other, url=receiver.url
    )
    dossier = submitted(hp)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk)
    assert len(receiver.got) == 1
    sent = receiver.got[0]
    assert sent["topic"] == "ho-tich.khai-sinh" and sent["publisher"] == "VN-HP/GOV/000.00.00.H31/MOTCUA"
    assert sent["payload"]["dossier_code"] == dossier.code
    assert sent["payload"]["child"] == {
        "full_name": "Nguyễn An Nhiên", "date_of_birth": "2026-11-20", "sex": "Nữ",
        "place_of_birth": "Bệnh viện Phụ sản Hải Phòng",
    }  # fmt: skip


def test_the_same_check_through_the_json_api(hp, exchange, exchange_one_stop):
    dossier = submitted(hp)
    officer = staff_client(hp.officer)
    url = f"/api/v1/procedures/queue/{dossier.pk}/citizen-check"
    refused = officer.post(url)
    assert refused.status_code == 502 and refused.json()["code"] == "unavailable"
    ex.access_grant(actor=None, service=exchange.service, subsystem=exchange_one_stop)
    answer = officer.post(url)
    assert answer.status_code == 200
    lines = {line["key"]: line for line in answer.json()["lines"]}
    assert lines["full_name"]["matches"] is True and lines["date_of_birth"]["national"] == "12/04/1995"
    assert lines["sex"]["matches"] is None and len(answer.json()["request_id"]) == 36
