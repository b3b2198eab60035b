"""Dossiers from the National Public Service Portal: submitted on the portal's stand-in (served by a live server),
pulled through the real data-exchange gateway, processed to a signed result, every status seen by the stand-in;
and everything a hostile or broken portal could send refused and recorded, never a 500, never half a dossier."""

import base64
import copy
from types import SimpleNamespace

import pytest
from django.urls import reverse

from smartgov.platform.models import AuditEntry
from smartgov.platform.testing import pdf_bytes
from smartgov.procedures.demo import PDF
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import (
    Dossier,
    DossierResult,
    Payment,
    PortalDossier,
    PortalIntakeCursor,
    PortalIntakeRefusal,
    PortalStandinStatus,
    Procedure,
)
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.intake import portal_dossier_receive, portal_intake_pull
from smartgov.procedures.standin import standin_feed, standin_submit
from smartgov.procedures.tests.factories import BIRTH
from smartgov.procedures.tests.fixtures import staff_client
from smartgov.procedures.tests.portal_standin import portal_behind_gateway

pytestmark = pytest.mark.django_db(transaction=True)
JAVASCRIPT = pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.launchURL('http://example.com/')) >>")
NEW_CITIZEN = "001099012345"


@pytest.fixture
def national_portal(hp, live_server, exchange_one_stop, settings):
    """The stand-in portal on a live server, registered behind the gateway, the one-stop shop allowed to read its
    feed, and the status synchronisation pointed at it."""
    portal_behind_gateway(site=live_server.url, one_stop=exchange_one_stop, settings=settings)
    return SimpleNamespace(hp=hp)


def _birth_fee(form: dict) -> int:
    procedure = Procedure.objects.get(code="1.001193")
    return fee_for(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=form)


def _submit_on_portal(hp, *, personal_id: str = NEW_CITIZEN, form: dict | None = None, pay: bool = True, docs=None):
    form = form or {**BIRTH, "so_ban": 2}
    procedure = Procedure.objects.get(code="1.001193")
    documents = (
        docs if docs is not None else [(c["code"], "giay.pdf", PDF) for c in procedure.components if c["required"]]
    )
    return standin_submit(
        procedure_code="1.001193",
        agency_code=hp.ward.code,
        applicant={"personal_id": personal_id, "full_name": "Phạm Thu Hà", "phone": "0901234567"},
        form=form,
        documents=documents,
        paid_vnd=_birth_fee(form) if pay else None,
    )


def test_a_dossier_submitted_on_the_portal_is_received_processed_and_its_statuses_seen(national_portal):
    hp = national_portal.hp
    on_portal = _submit_on_portal(hp)

    pulled = portal_intake_pull()
    assert (pulled.received, pulled.refused, pulled.error) == (1, 0, "")
    portal = PortalDossier.objects.select_related("dossier").get(national_code=on_portal.national_code)
    dossier = portal.dossier
    # the same workflow: the ward's own code and appointment, the applicant's new citizen account, the documents
    assert dossier.code.startswith(f"{hp.ward.code}-") and dossier.status == Status.SUBMITTED
    assert dossier.due_at is not None and dossier.receiving_agency == hp.ward
    assert dossier.applicant.personal_id == NEW_CITIZEN and dossier.applicant.kind == "citizen"
    assert not dossier.applicant.has_usable_password()
    assert dossier.attachments.count() == len([c for c in dossier.procedure.components if c["required"]])
    # the fee the portal collected: paid, with the portal's payment reference
    assert dossier.fee_vnd == _birth_fee(dossier.form_data) > 0 and dossier.paid_at is not None
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.state, payment.gateway, payment.transaction_no) == ("paid", "dvcqg", portal.payment_reference)
    assert dossier.events.get().action == "submit"
    assert AuditEntry.objects.filter(action="procedures.dossier.submit", object_id=str(dossier.pk)).exists()

    officer_page = staff_client(hp.officer).get(reverse("procedures:queue")).content.decode()
    assert dossier.code in officer_page and "Cổng DVC quốc gia" in officer_page

    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)  # paid already: straight to processing
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk)
    svc.dossier_return_result(officer=hp.officer, dossier_id=dossier.pk)

    seen = PortalStandinStatus.objects.filter(national_code=on_portal.national_code).order_by("pk")
    assert [s.status for s in seen] == [1, 2, 4, 9, 10]
    assert {s.dossier_code for s in seen} == {dossier.code}
    result = DossierResult.objects.get(dossier=dossier)
    assert seen.get(status=9).message["result"]["code"] == result.code
    page = national_portal.hp and staff_client(hp.officer).get(reverse("procedures:portal-standin")).content.decode()
    assert result.code in page and dossier.code in page  # the stand-in's page shows what it was sent

    again = portal_intake_pull()
    assert (again.received, again.duplicates) == (0, 0)  # the cursor moved past it
    assert PortalDossier.objects.count() == 1


def test_the_same_dossier_twice_creates_one(national_portal):
    hp = national_portal.hp
    on_portal = _submit_on_portal(hp)
    first = portal_dossier_receive(on_portal.record)
    second = portal_dossier_receive(copy.deepcopy(on_portal.record))
    assert first.portal is not None and second.duplicate and second.portal == first.portal
    PortalIntakeCursor.objects.update(cursor="")  # the feed read again from the start
    pulled = portal_intake_pull()
    assert (pulled.received, pulled.duplicates) == (0, 1)
    assert Dossier.objects.count() == PortalDossier.objects.count() == 1


def test_a_crash_midway_leaves_no_half_dossier_and_the_next_run_takes_it(national_portal, monkeypatch):
    hp = national_portal.hp
    _submit_on_portal(hp)

    def crash(**kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(attachments, "document_store_add", crash)  # after the attachment, in the transaction
    with pytest.raises(RuntimeError):
        portal_intake_pull()
    assert not Dossier.objects.exists() and not PortalDossier.objects.exists() and not Payment.objects.exists()
    assert not type(hp.mai).objects.filter(personal_id=NEW_CITIZEN).exists()
    assert PortalIntakeCursor.objects.get().cursor == ""  # not moved past what was not taken

    monkeypatch.undo()
    assert portal_intake_pull().received == 1
    assert Dossier.objects.count() == 1


def test_an_existing_citizen_is_matched_by_personal_id(national_portal):
    hp = national_portal.hp
    on_portal = _submit_on_portal(hp, personal_id=hp.mai.personal_id)
    got = portal_dossier_receive(on_portal.record)
    assert got.portal is not None and got.portal.dossier.applicant == hp.mai


def test_an_unpaid_fee_is_asked_at_acceptance(national_portal):
    hp = national_portal.hp
    got = portal_dossier_receive(_submit_on_portal(hp, pay=False).record)
    assert got.portal is not None and got.portal.dossier.paid_at is None
    svc.dossier_accept(officer=hp.officer, dossier_id=got.portal.dossier.pk)
    assert Dossier.objects.get().status == Status.FINANCIAL_OBLIGATION


def _refused(raw, reason: str) -> PortalIntakeRefusal:
    got = portal_dossier_receive(raw)
    assert got.portal is None and got.refusal is not None, got
    assert got.refusal.reason == reason, got.refusal.detail
    assert not Dossier.objects.exists()
    return got.refusal


@pytest.mark.parametrize("raw", ["not an object", [1, 2], {"national_code": "G22-1"}, {}, None])
def test_a_malformed_record_is_refused_and_recorded(national_portal, raw):
    _refused(raw, "malformed")


def test_what_a_hostile_or_broken_portal_sends_is_refused_and_recorded(national_portal, settings):
    hp = national_portal.hp
    good = _submit_on_portal(hp).record

    unknown = {**copy.deepcopy(good), "national_code": "G22-X-1", "procedure_code": "9.999999"}
    assert "9.999999" in _refused(unknown, "unknown_procedure").detail
    _refused({**copy.deepcopy(good), "national_code": "G22-X-2", "agency_code": "000.99.99.H31"}, "unknown_agency")

    hostile = copy.deepcopy(good)
    hostile["national_code"] = "G22-X-3"
    hostile["documents"][0]["content_base64"] = base64.b64encode(JAVASCRIPT).decode()
    refusal = _refused(hostile, "hostile_document")
    assert refusal.national_code == "G22-X-3" and refusal.payload_sha256

    not_base64 = copy.deepcopy(good)
    not_base64["national_code"] = "G22-X-4"
    not_base64["documents"][0]["content_base64"] = "%%%not base64%%%"
    _refused(not_base64, "malformed")

    settings.SMARTGOV_UPLOAD_MAX_BYTES = 1000
    huge = copy.deepcopy(good)
    huge["national_code"] = "G22-X-5"
    huge["documents"][0]["content_base64"] = base64.b64encode(b"%PDF-1.7\n" + b"0" * 5000).decode()
    _refused(huge, "document_too_large")
    settings.SMARTGOV_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    missing = {**copy.deepcopy(good), "national_code": "G22-X-6", "documents": []}
    _refused(missing, "documents_missing")
    bad_form = {**copy.deepcopy(good), "national_code": "G22-X-7", "form": {"ho_ten_tre": ""}}
    _refused(bad_form, "form_invalid")
    bad_id = copy.deepcopy(good)
    bad_id["national_code"] = "G22-X-8"
    bad_id["applicant"]["personal_id"] = "123456789999"
    _refused(bad_id, "bad_personal_id")
    staff_id = copy.deepcopy(good)
    staff_id["national_code"] = "G22-X-9"
    hp.officer.personal_id = "031195009999"
    hp.officer.save()
    staff_id["applicant"]["personal_id"] = "031195009999"
    _refused(staff_id, "applicant_not_citizen")

    assert portal_dossier_receive(good).portal is not None
    reused = {**copy.deepcopy(good), "national_code": "G22-X-10"}  # another dossier, the same payment
    _refused_after_one = portal_dossier_receive(reused)
    assert _refused_after_one.refusal is not None and _refused_after_one.refusal.reason == "payment_reused"
    assert Dossier.objects.count() == 1
    # a refusal is recorded once, however often the feed hands the same record over
    before = PortalIntakeRefusal.objects.count()
    portal_dossier_receive(unknown)
    assert PortalIntakeRefusal.objects.count() == before


def test_refused_records_move_the_cursor_and_a_huge_feed_page_stops_the_run_cleanly(national_portal, settings):
    hp = national_portal.hp
    hostile = _submit_on_portal(hp, docs=[("giay_chung_sinh", "x.pdf", JAVASCRIPT)])
    _submit_on_portal(hp)
    pulled = portal_intake_pull()
    assert (pulled.received, pulled.refused) == (1, 1)
    # the portal is told the hostile one was not accepted (status 3), with the reason, once
    told = PortalStandinStatus.objects.get(national_code=hostile.national_code)
    assert told.status == 3 and told.message["reason"].startswith("hostile_document") and not told.dossier_code
    PortalIntakeCursor.objects.update(cursor="")
    assert portal_intake_pull().refused == 1
    assert PortalStandinStatus.objects.filter(national_code=hostile.national_code).count() == 1
    assert PortalIntakeCursor.objects.get().cursor == standin_feed(after="", limit=50)["items"][-1]["cursor"]

    settings.SMARTGOV_EXCHANGE_MAX_BODY = 2000  # the gateway refuses the portal's oversized answer
    _submit_on_portal(hp)
    cursor = PortalIntakeCursor.objects.get().cursor
    assert cursor
    pulled = portal_intake_pull()
    assert pulled.received == 0 and "502" in pulled.error
    assert PortalIntakeCursor.objects.get().cursor == cursor and "502" in PortalIntakeCursor.objects.get().last_error


def test_the_intake_is_off_without_a_feed(hp, settings):
    settings.SMARTGOV_PORTAL_INTAKE_SERVICE = ""
    assert "off" in portal_intake_pull().error


def test_the_stand_in_refuses_unsigned_statuses_and_bad_cursors(national_portal, client, settings):
    url = reverse("procedures:portal-standin-status")
    answer = client.post(url, data=b'{"status": 1}', content_type="application/json", HTTP_WEBHOOK_ID="x")
    assert answer.status_code == 401 and not PortalStandinStatus.objects.exists()
    assert client.get(reverse("procedures:portal-standin-feed") + "?after=abc").status_code == 400
    assert client.get(reverse("procedures:portal-standin-feed") + "?limit=x").status_code == 400
    settings.SMARTGOV_PORTAL_STANDIN = False
    assert client.get(reverse("procedures:portal-standin")).status_code == 404
    assert client.get(reverse("procedures:portal-standin-feed")).status_code == 404


def test_the_intake_page_shows_received_and_refused_and_fetches_now(national_portal):
    hp = national_portal.hp
    _submit_on_portal(hp)
    _submit_on_portal(hp, docs=[("giay_chung_sinh", "x.pdf", JAVASCRIPT)])
    officer = staff_client(hp.officer)
    answer = officer.post(reverse("procedures:portal-intake-fetch"), follow=True)
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "1 hồ sơ đã nhận, 1 bị từ chối" in text and "hostile_document" in text
    assert Dossier.objects.get().code in text
    assert AuditEntry.objects.filter(action="procedures.portal_intake.fetch").count() == 1
    assert (
        staff_client(hp.other_officer)
        .get(reverse("procedures:portal-intake"))
        .content.decode()
        .count(Dossier.objects.get().code)
        == 0
    )  # another ward does not see this ward's dossiers
    citizen = staff_client(hp.mai)
    assert citizen.get(reverse("procedures:portal-intake")).status_code == 403
