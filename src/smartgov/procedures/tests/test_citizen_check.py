"""An officer checks an applicant in the national population database: the one-stop shop calls through the
data-exchange gateway (in this process), with its own key and rights, and the call is in the message log."""

import pytest
from django.urls import reverse

from smartgov.exchange import services as ex
from smartgov.exchange.messagelog.ingest import log_ingest
from smartgov.exchange.models import MessageRecord, Subsystem
from smartgov.exchange.registry import registry_forget
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def one_stop(exchange, settings, tmp_path):
    city = ex.member_register(actor=None, member_class="GOV", code="000.00.00.H31", name="UBND thành phố Hải Phòng")
    system = ex.subsystem_register(actor=None, member=city, code="MOTCUA")
    _row, key = ex.api_key_issue(actor=None, subsystem=system)
    settings.SMARTGOV_EXCHANGE_URL = ""
    settings.SMARTGOV_EXCHANGE_SHIP = False
    settings.SMARTGOV_EXCHANGE_API_KEY = key
    settings.SMARTGOV_EXCHANGE_CLIENT = "VN-HP/GOV/000.00.00.H31/MOTCUA"
    settings.SMARTGOV_EXCHANGE_POPULATION_SERVICE = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    registry_forget()
    return system


def test_the_officer_sees_the_national_record_beside_the_declaration(hp, exchange, one_stop):
    dossier = submitted(hp)
    officer = staff_client(hp.officer)
    url = reverse("procedures:citizen-check", args=[dossier.pk])

    refused = officer.post(url)  # the one-stop shop has no right to the service yet
    assert refused.status_code == 502 and "Server.ServerProxy.AccessDenied" in refused.content.decode()

    ex.access_grant(actor=None, service=exchange.service, subsystem=one_stop)
    registry_forget()
    page = officer.post(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Số 12 Trần Phú, phường Thành Đông" in text and "12/04/1995" in text
    assert text.count("badge-ok") == 1  # the full name matches what was declared
    log_ingest()
    record = MessageRecord.objects.filter(client="VN-HP/GOV/000.00.00.H31/MOTCUA", status=200).get()
    assert record.user_id == "motcua.thanhdong" and record.path.endswith("/citizens/031195001234")

    assert staff_client(hp.other_officer).post(url).status_code in (403, 404)  # another ward's dossier
    assert officer.get(url).status_code == 405
    assert Subsystem.objects.filter(code="MOTCUA").count() == 1


def test_a_birth_registered_here_reaches_the_subscribed_agency(hp, exchange, one_stop):
    from smartgov.exchange import events
    from smartgov.exchange.tests.test_publish import Receiver

    receiver = Receiver()
    topic = events.topic_register(actor=None, code="ho-tich.khai-sinh", title="Khai sinh", publisher=one_stop)
    _sub, receiver.secret = events.subscription_add(
        actor=None, topic=topic, subscriber=exchange.other, url=receiver.url
    )
    dossier = submitted(hp)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk)
    receiver.server.shutdown()
    assert len(receiver.got) == 1
    sent = receiver.got[0]
    assert sent["topic"] == "ho-tich.khai-sinh" and sent["publisher"] == "VN-HP/GOV/000.00.00.H31/MOTCUA"
    assert sent["payload"]["dossier_code"] == dossier.code
    assert sent["payload"]["child"] == {
        "full_name": "Nguyễn An Nhiên", "date_of_birth": "2026-11-20", "sex": "Nữ",
        "place_of_birth": "Bệnh viện Phụ sản Hải Phòng",
    }  # fmt: skip


def test_the_same_check_through_the_json_api(hp, exchange, one_stop):
    dossier = submitted(hp)
    officer = staff_client(hp.officer)
    url = f"/api/v1/procedures/queue/{dossier.pk}/citizen-check"
    refused = officer.post(url)
    assert refused.status_code == 502 and refused.json()["code"] == "unavailable"
    ex.access_grant(actor=None, service=exchange.service, subsystem=one_stop)
    registry_forget()
    answer = officer.post(url)
    assert answer.status_code == 200
    lines = {line["key"]: line for line in answer.json()["lines"]}
    assert lines["full_name"]["matches"] is True and lines["date_of_birth"]["national"] == "12/04/1995"
    assert lines["sex"]["matches"] is None and len(answer.json()["request_id"]) == 36
