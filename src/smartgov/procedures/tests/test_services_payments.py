"""Paying a fee online: status 6, the gateways' signed notices applied exactly once, amounts checked, no
dossier charged twice, forged notices refused, the daily reconciliation listing every mismatch."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from vietnam_qr_pay import QRPay

from smartgov.platform.errors import Conflict, Forbidden
from smartgov.procedures.domain.status import Status
from smartgov.procedures.gateways import gateway_get, signed
from smartgov.procedures.models import Dossier, Payment, PaymentCallback, Reconciliation
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services import moves
from smartgov.procedures.services.payments import (
    StatementLine,
    payment_notice_receive,
    payment_start,
    payments_reconcile,
    statement_read,
)
from smartgov.procedures.tests.factories import BIRTH, submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db
RETURN = "http://testserver/thanh-toan/ket-qua/sandbox/"


def due(hp) -> Dossier:
    """A birth registration with two extract copies (16,000 đồng), accepted: the fee is due (status 6)."""
    dossier = submitted(hp, form={**BIRTH, "so_ban": 2})
    return svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk).dossier


def sandbox_notice(payment: Payment, *, amount: int | None = None, txn: str = "SBX0000000001", code: str = "00"):
    gateway = gateway_get("sandbox")
    return signed(
        gateway.secret,  # type: ignore[attr-defined]
        {
            "merchant": "SMARTGOV-SANDBOX",
            "reference": payment.reference,
            "amount": str(payment.amount_vnd if amount is None else amount),
            "transaction_no": txn,
            "response_code": code,
            "pay_date": timezone.localtime().strftime("%Y%m%d%H%M%S"),
        },
    )


def test_accepting_a_dossier_with_a_fee_asks_for_payment_and_stops_the_clock(hp):
    dossier = due(hp)
    assert dossier.status == Status.FINANCIAL_OBLIGATION and dossier.fee_vnd == 16000
    assert dossier.paused_at is not None
    free = svc.dossier_accept(officer=hp.officer, dossier_id=submitted(hp, applicant=hp.binh).pk).dossier
    assert free.status == Status.ACCEPTED  # no fee: straight on


def test_paid_once_through_the_sandbox_then_processing_goes_on(hp):
    dossier = due(hp)
    payment, checkout = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    assert checkout.redirect_url.startswith(reverse("procedures:payment-sandbox") + "?")
    again, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    assert again.pk == payment.pk  # a double click opens the same payment
    notice = sandbox_notice(payment)
    outcomes = [payment_notice_receive(gateway="sandbox", params=notice).outcome for _ in range(3)]
    assert outcomes == ["applied", "duplicate", "duplicate"]
    assert Payment.objects.filter(dossier=dossier, state="paid").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paid_at is not None and dossier.paused_at is None
    assert list(dossier.events.values_list("action", flat=True)).count("pay") == 1
    payment.refresh_from_db()
    assert payment.receipt_number.startswith("BL") and payment.transaction_no == "SBX0000000001"
    with pytest.raises(Conflict):
        payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)


def test_a_forged_notice_changes_nothing_and_raises_a_security_event(hp, monkeypatch):
    from smartgov.procedures.services import payments

    recorded = []  # identity keeps the security events; procedures asks it to record them (identity.services)
    real = payments.security_event_record

    def record(**event):
        recorded.append(event)
        return real(**event)

    monkeypatch.setattr(payments, "security_event_record", record)
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    forged = {**sandbox_notice(payment), "amount": "1"}  # altered after signing
    with pytest.raises(Forbidden):
        payment_notice_receive(gateway="sandbox", params=forged)
    unsigned = {k: v for k, v in sandbox_notice(payment).items() if k != "signature"}
    with pytest.raises(Forbidden):
        payment_notice_receive(gateway="sandbox", params=unsigned)
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == "pending" and dossier.status == Status.FINANCIAL_OBLIGATION
    assert PaymentCallback.objects.filter(outcome="forged").count() == 2
    assert [(e["kind"], e["severity"]) for e in recorded] == [("payment_forged", "high")] * 2


def test_an_amount_mismatch_is_flagged_and_the_dossier_does_not_move(hp):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    result = payment_notice_receive(gateway="sandbox", params=sandbox_notice(payment, amount=1600))
    assert result.outcome == "mismatch"
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == "mismatch" and payment.paid_amount_vnd == 1600
    assert dossier.status == Status.FINANCIAL_OBLIGATION and dossier.paid_at is None
    report = payments_reconcile(day=timezone.localdate())
    assert [(m["kind"], m["reference"], m["expected_vnd"], m["received_vnd"]) for m in report.mismatches] == [
        ("mismatch", payment.reference, 16000, 1600)
    ]


def test_money_for_a_dossier_already_paid_is_a_second_charge_to_refund(hp):
    dossier = due(hp)
    first, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    second, checkout = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="vietqr", return_url=RETURN)
    assert payment_notice_receive(gateway="sandbox", params=sandbox_notice(first)).outcome == "applied"
    gateway = gateway_get("vietqr")
    bank = signed(
        gateway.secret,
        {
            "account_number": checkout.account_number,
            "amount": "16000",
            "description": f"{checkout.description} NGUYEN THI MAI",
            "transaction_no": "FT000000000042",
            "paid_at": timezone.localtime().strftime("%Y%m%d%H%M%S"),
        },
    )
    assert payment_notice_receive(gateway="vietqr", params=bank).outcome == "second_charge"
    assert Payment.objects.filter(dossier=dossier, state="paid").count() == 1
    second.refresh_from_db()
    assert second.state == "cancelled"
    kinds = [m["kind"] for m in payments_reconcile(day=timezone.localdate()).mismatches]
    assert kinds == ["second_charge"]


def test_failed_and_unknown_notices(hp):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    assert payment_notice_receive(gateway="sandbox", params=sandbox_notice(payment, code="24")).outcome == "failed"
    payment.refresh_from_db()
    assert payment.state == "failed"
    # the payer tries again on the gateway's page: a new transaction succeeds
    retry = sandbox_notice(payment, txn="SBX0000000002")
    assert payment_notice_receive(gateway="sandbox", params=retry).outcome == "applied"
    stranger = Payment(reference="PZZZZZZZZZZ", amount_vnd=5000)
    assert payment_notice_receive(gateway="sandbox", params=sandbox_notice(stranger, txn="SBX9")).outcome == "unknown"
    assert [m["kind"] for m in payments_reconcile(day=timezone.localdate()).mismatches] == ["unknown"]


def test_vietqr_payload_is_a_valid_napas_code(hp):
    dossier = due(hp)
    payment, checkout = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="vietqr", return_url=RETURN)
    decoded = QRPay(checkout.qr_payload)
    assert decoded.is_valid  # CRC and structure (EMVCo merchant-presented, NAPAS VietQR)
    assert decoded.consumer.bank_bin == "970415" and decoded.consumer.bank_number == checkout.account_number
    assert decoded.amount == "16000" and payment.reference in decoded.additional_data.purpose


def test_reconciliation_against_a_gateway_statement(hp):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    payment_notice_receive(gateway="sandbox", params=sandbox_notice(payment))
    statement = statement_read(
        "transaction_no,reference,amount_vnd\n"
        "SBX0000000001," + payment.reference + ",15000\n"  # the gateway settled a different amount
        "SBX0000000777,PAAAAAAAAAA,20000\n"  # money the platform never saw
    )
    report = payments_reconcile(day=timezone.localdate(), gateway="sandbox", statement=statement)
    assert report.payments == 1 and report.total_vnd == 16000
    assert sorted(m["kind"] for m in report.mismatches) == ["missing_here", "statement_amount"]
    clean = payments_reconcile(
        day=timezone.localdate(),
        gateway="sandbox",
        statement=[StatementLine(transaction_no="SBX0000000001", reference=payment.reference, amount_vnd=16000)],
    )
    assert clean.mismatches == []
    yesterday = payments_reconcile(day=timezone.localdate() - dt.timedelta(days=1))
    assert yesterday.payments == 0


def test_pages_and_notice_endpoint(hp, client):
    dossier = due(hp)
    client.force_login(hp.mai)
    page = client.get(reverse("procedures:my-dossier", args=[dossier.pk]))
    assert reverse("procedures:pay", args=[dossier.pk]) in page.content.decode()
    started = client.post(reverse("procedures:pay", args=[dossier.pk]), {"gateway": "sandbox"})
    assert started.status_code == 302 and started["Location"].startswith(reverse("procedures:payment-sandbox"))
    sandbox = client.get(started["Location"])
    assert sandbox.status_code == 200 and "16.000" in sandbox.content.decode()
    tampered = client.get(started["Location"].replace("amount=16000", "amount=1"))
    assert tampered.status_code == 403
    payment = Payment.objects.get(dossier=dossier)
    notice = sandbox_notice(payment)
    url = reverse("procedures:payment-notice", args=["sandbox"])
    answers = [client.post(url, notice) for _ in range(3)]  # the gateway's IPN, retried
    assert [a.json()["outcome"] for a in answers] == ["applied", "duplicate", "duplicate"]
    assert client.post(url, {**notice, "amount": "99"}).status_code == 403
    bad_json = client.post(url, data="[", content_type="application/json")
    assert bad_json.status_code == 400
    back = client.get(reverse("procedures:payment-return", args=["sandbox"]), notice)
    assert back.status_code == 302
    receipt = client.get(reverse("procedures:payment-receipt", args=[dossier.pk, payment.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    client.force_login(hp.binh)  # someone else's receipt
    assert client.get(reverse("procedures:payment-receipt", args=[dossier.pk, payment.pk])).status_code == 404


def test_vietqr_bank_webhook_as_json(hp, client):
    dossier = due(hp)
    payment, checkout = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="vietqr", return_url=RETURN)
    gateway = gateway_get("vietqr")
    body = {
        "account_number": checkout.account_number,
        "amount": "16000",
        "description": checkout.description.lower(),
        "transaction_no": "FT000000000001",
        "paid_at": timezone.localtime().strftime("%Y%m%d%H%M%S"),
    }
    signature = signed(gateway.secret, body)["signature"]
    url = reverse("procedures:payment-notice", args=["vietqr"])
    answer = client.post(url, data=json.dumps(body), content_type="application/json", HTTP_X_SIGNATURE=signature)
    assert answer.status_code == 200 and answer.json()["outcome"] == "applied"
    payment.refresh_from_db()
    assert payment.state == "paid"


def test_an_officer_asks_for_an_assessed_obligation(hp):
    dossier = submitted(hp, applicant=hp.binh)  # free at submission
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    moved = moves.dossier_officer_move(
        officer=hp.specialist, dossier_id=dossier.pk, move="request_payment", inputs={"amount_vnd": 50000}
    ).dossier
    assert moved.status == Status.FINANCIAL_OBLIGATION and moved.fee_vnd == 50000
    with pytest.raises(Conflict):  # already waiting for it
        moves.dossier_officer_move(officer=hp.specialist, dossier_id=dossier.pk, move="request_payment")
    withdrawn = svc.dossier_withdraw(applicant=hp.binh, dossier_id=dossier.pk, reason="Không cần nữa").dossier
    assert withdrawn.status == Status.WITHDRAWN


def test_officers_see_a_dossiers_payments_and_their_notices(hp):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    payment_notice_receive(gateway="sandbox", params=sandbox_notice(payment, amount=1600))  # short
    officer = staff_client(hp.officer)
    text = officer.get(reverse("procedures:officer-dossier", args=[dossier.pk])).content.decode()
    assert payment.reference in text and "Số tiền không khớp" in text  # the state, in Vietnamese
    assert "1.600" in text and "16.000" in text  # asked and paid, both shown
    assert reverse("procedures:officer-receipt", args=[dossier.pk, payment.pk]) not in text  # not paid: no receipt

    second, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    payment_notice_receive(gateway="sandbox", params=sandbox_notice(second, txn="SBX0000000002"))
    second.refresh_from_db()
    receipt_url = reverse("procedures:officer-receipt", args=[dossier.pk, second.pk])
    assert receipt_url in officer.get(reverse("procedures:officer-dossier", args=[dossier.pk])).content.decode()
    receipt = officer.get(receipt_url)
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.getvalue().startswith(b"%PDF")
    # the receipt of another agency's dossier is out of reach
    assert staff_client(hp.other_officer).get(receipt_url).status_code in (403, 404)
    assert officer.get(reverse("procedures:officer-receipt", args=[dossier.pk, payment.pk])).status_code == 404


def test_the_reconcile_command_reads_a_statement_and_fails_on_mismatches(hp, tmp_path):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    payment_notice_receive(gateway="sandbox", params=sandbox_notice(payment))
    today = timezone.localdate().isoformat()
    good = tmp_path / "good.csv"
    good.write_text(f"transaction_no,reference,amount_vnd\nSBX0000000001,{payment.reference},16000\n")
    call_command("payments", "reconcile", "--day", today, "--gateway", "sandbox", "--statement", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text("transaction_no,reference,amount_vnd\nSBX0000000001,x,15000\nSBX9,y,100\n")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "payments", "reconcile", "--day", today, "--gateway", "sandbox", "--statement", str(bad), stdout=out
        )
    assert exited.value.code == 1
    assert Reconciliation.objects.count() == 2
    assert sorted(m["kind"] for m in Reconciliation.objects.first().mismatches) == ["missing_here", "statement_amount"]
    broken = tmp_path / "broken.csv"
    broken.write_text("transaction_no,reference,amount_vnd\nSBX1,x,mười nghìn\n")
    with pytest.raises(CommandError, match="2"):
        call_command("payments", "reconcile", "--gateway", "sandbox", "--statement", str(broken))
    with pytest.raises(CommandError, match="--gateway"):
        call_command("payments", "reconcile", "--statement", str(good))


def test_officers_read_the_payments_through_the_json_api(hp):
    dossier = due(hp)
    payment, _ = payment_start(payer=hp.mai, dossier_id=dossier.pk, gateway="sandbox", return_url=RETURN)
    notice = sandbox_notice(payment)
    for _ in range(2):
        payment_notice_receive(gateway="sandbox", params=notice)
    rows = staff_client(hp.officer).get(f"/api/v1/procedures/queue/{dossier.pk}/payments").json()
    assert [(r["reference"], r["state"], r["paid_amount_vnd"]) for r in rows] == [(payment.reference, "paid", 16000)]
    assert sorted(n["outcome"] for n in rows[0]["notices"]) == ["applied", "duplicate"]
    assert staff_client(hp.other_officer).get(f"/api/v1/procedures/queue/{dossier.pk}/payments").status_code == 403
