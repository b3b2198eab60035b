"""Paying a dossier's fee: start a payment through a gateway, take the gateway's notices, reconcile each day.

The rules, the same for every gateway (procedures/gateways.py):

- a notice counts only when its signature verifies; a forged one is kept as evidence, raises a security
  event and changes nothing;
- each gateway transaction is applied once: the same notice delivered again (the gateway retrying, the
  payer's browser coming back, someone replaying it) finds its first delivery and is answered the same;
- the amount must be the amount asked: otherwise the payment is flagged and the dossier does not move;
- a dossier is paid once: the database refuses a second paid row, and money arriving for a dossier already
  paid is recorded as a second charge to refund — reconciliation lists it with the other mismatches.
"""

import csv
import io
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.identity.services import security_event_record
from smartgov.platform.errors import Conflict, DomainError, Forbidden, NotFound
from smartgov.platform.money import format_vnd
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish
from smartgov.procedures.domain.status import TRANSITIONS, Status
from smartgov.procedures.gateways import Checkout, NoticeForged, gateway_choice, gateway_get
from smartgov.procedures.models import Payment, PaymentCallback, Reconciliation
from smartgov.procedures.services.deadlines import clock_restart
from smartgov.procedures.services.dossiers import Moved, _check_move, _locked, _record

logger = logging.getLogger(__name__)
Outcome = PaymentCallback.Outcome
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: Notices that settled what a transaction did: the same transaction again is a repeat.
_SETTLED = (Outcome.APPLIED, Outcome.MISMATCH, Outcome.FAILED, Outcome.SECOND_CHARGE, Outcome.LATE)


def _reference() -> str:
    """``P`` + 10 characters: short enough for a bank transfer's description, unguessable."""
    return "P" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def payment_start(*, payer: User, dossier_id: int, gateway: str, return_url: str) -> tuple[Payment, Checkout]:
    """Open (or, on a double click, reopen) the payment of a dossier waiting for its fee (status 6)."""
    chosen = gateway_choice(gateway)
    with transaction.atomic():
        dossier = _locked(dossier_id, version=None)
        if dossier.applicant_id != payer.pk:
            raise NotFound(_("No such dossier."))
        if dossier.paid_at is not None:
            raise Conflict(_("The fee of this dossier is already paid."))
        if dossier.status != Status.FINANCIAL_OBLIGATION:
            raise Conflict(_("This dossier has nothing to pay now."))
        payment = dossier.payments.filter(
            state=Payment.State.PENDING, gateway=chosen.code, amount_vnd=dossier.fee_vnd
        ).first()
        if payment is None:
            payment = Payment.objects.create(
                reference=_reference(),
                dossier=dossier,
                payer=payer,
                gateway=chosen.code,
                amount_vnd=dossier.fee_vnd,
                created_at=timezone.now(),
            )
            audit_record(
                actor=payer,
                action="procedures.payment.start",
                obj=payment,
                changes={"dossier": dossier.pk, "gateway": chosen.code, "amount_vnd": payment.amount_vnd},
            )
    payment.dossier = dossier
    return payment, chosen.checkout(payment, return_url=return_url)


@dataclass(frozen=True)
class NoticeResult:
    outcome: str
    payment: Payment | None
    move: Moved | None = None


def _payload(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(k)[:40]: str(v)[:300] for k, v in list(params.items())[:40]}


def payment_notice_receive(*, gateway: str, params: Mapping[str, str]) -> NoticeResult:
    """Take one notice from ``gateway`` (server-to-server, or the payer's browser coming back): verify it,
    then apply it once. Raises Forbidden for a forged notice; every notice is kept, whatever its fate."""
    source = gateway_get(gateway)
    now = timezone.now()
    try:
        notice = source.verify(params)
    except NoticeForged as exc:
        PaymentCallback.objects.create(
            gateway=source.code,
            received_at=now,
            reference=str(params.get("reference", ""))[:64],
            transaction_no=str(params.get("transaction_no", ""))[:64],
            outcome=Outcome.FORGED,
            payload=_payload(params),
        )
        security_event_record(
            kind="payment_forged",
            severity="high",
            details={"gateway": source.code, "reason": str(exc), "reference": str(params.get("reference", ""))[:64]},
        )
        raise Forbidden(_("The payment notice's signature is not valid.")) from exc
    if not notice.transaction_no:
        raise DomainError(_("The payment notice has no transaction number."))

    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=notice.reference, gateway=source.code).first()

        def keep(outcome: str) -> None:
            PaymentCallback.objects.create(
                gateway=source.code,
                received_at=now,
                payment=payment,
                reference=notice.reference,
                transaction_no=notice.transaction_no,
                amount_vnd=notice.amount_vnd,
                outcome=outcome,
                payload=_payload(params),
            )

        if payment is None:
            keep(Outcome.UNKNOWN)
            return NoticeResult(Outcome.UNKNOWN, None)
        first = (
            PaymentCallback.objects.filter(
                gateway=source.code, transaction_no=notice.transaction_no, outcome__in=_SETTLED
            )
            .order_by("received_at", "pk")
            .first()
        )
        if first is not None:
            keep(Outcome.DUPLICATE)
            return NoticeResult(Outcome.DUPLICATE, payment)
        if not notice.success:
            if payment.state == Payment.State.PENDING:
                payment.state = Payment.State.FAILED
                payment.save(update_fields=["state"])
            keep(Outcome.FAILED)
            return NoticeResult(Outcome.FAILED, payment)
        dossier = _locked(payment.dossier_id, version=None)
        if dossier.paid_at is not None or payment.state == Payment.State.PAID:
            keep(Outcome.SECOND_CHARGE)
            logger.warning("second charge for dossier %s (payment %s): refund due", dossier.code, payment.reference)
            return NoticeResult(Outcome.SECOND_CHARGE, payment)
        payment.transaction_no = notice.transaction_no
        payment.paid_amount_vnd = notice.amount_vnd
        if notice.amount_vnd != payment.amount_vnd:
            payment.state = Payment.State.MISMATCH
            payment.save(update_fields=["state", "transaction_no", "paid_amount_vnd"])
            keep(Outcome.MISMATCH)
            audit_record(
                actor=None,
                actor_label=f"gateway:{source.code}",
                action="procedures.payment.mismatch",
                obj=payment,
                changes={"expected_vnd": payment.amount_vnd, "received_vnd": notice.amount_vnd},
            )
            return NoticeResult(Outcome.MISMATCH, payment)
        if dossier.status not in TRANSITIONS["pay"][0]:
            keep(Outcome.LATE)  # withdrawn or stopped meanwhile: the money goes back
            return NoticeResult(Outcome.LATE, payment)
        payment.state = Payment.State.PAID
        payment.paid_at = notice.paid_at
        payment.receipt_number = f"BL{timezone.localtime(notice.paid_at):%y}-{payment.pk:08d}"
        payment.save()
        dossier.payments.filter(state=Payment.State.PENDING).exclude(pk=payment.pk).update(
            state=Payment.State.CANCELLED
        )
        old = dossier.status
        dossier.status = _check_move(dossier, "pay")
        dossier.paid_at = notice.paid_at
        _previous, waited = clock_restart(dossier)
        event = _record(
            dossier,
            action="pay",
            actor=payment.payer,
            old_status=old,
            note=_("Paid %(amount)s online (receipt %(receipt)s).")
            % {"amount": format_vnd(payment.amount_vnd), "receipt": payment.receipt_number},
            changes={"payment": payment.reference, "gateway": source.code, "waited_working_days": waited},
        )
        keep(Outcome.APPLIED)
        event_publish(
            topic="procedures.payment.paid",
            payload={"payment": payment.pk, "dossier": dossier.pk, "amount_vnd": payment.amount_vnd},
            obj=payment,
        )
    return NoticeResult(Outcome.APPLIED, payment, Moved(dossier, event))


# --- Daily reconciliation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatementLine:
    """A line of a gateway's settlement statement (CSV: transaction_no, reference, amount_vnd)."""

    transaction_no: str
    reference: str
    amount_vnd: int


def statement_read(text: str) -> list[StatementLine]:
    """A gateway's statement as CSV with a header row; a bad row is refused by its number."""
    lines = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            lines.append(
                StatementLine(
                    transaction_no=row["transaction_no"].strip(),
                    reference=row.get("reference", "").strip(),
                    amount_vnd=int(row["amount_vnd"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(
                _("Row %(row)d of the statement is not valid (transaction_no, reference, amount_vnd).")
                % {"row": number}
            ) from exc
    return lines


def _mismatch(
    kind: str, gateway: str, reference: str, transaction_no: str, expected: int | None, received: int | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "gateway": gateway,
        "reference": reference,
        "transaction_no": transaction_no,
        "expected_vnd": expected,
        "received_vnd": received,
    }


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def payments_reconcile(
    *, day: date, gateway: str = "", statement: Iterable[StatementLine] | None = None
) -> Reconciliation:
    """Compare one day's payments with the notices the gateways sent (and with a gateway's own statement when
    given) and keep the list of mismatches: amounts that differ, second charges, notices for unknown or
    closed payments, forged notices, and money on one side only."""
    start, end = _day_bounds(day)
    paid = Payment.objects.filter(state=Payment.State.PAID, paid_at__gte=start, paid_at__lt=end)
    notices = PaymentCallback.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        outcome__in=(Outcome.APPLIED, Outcome.DUPLICATE, Outcome.FAILED)
    )
    if gateway:
        paid, notices = paid.filter(gateway=gateway), notices.filter(gateway=gateway)
    mismatches: list[dict[str, Any]] = []
    for notice in notices.select_related("payment"):
        expected = notice.payment.amount_vnd if notice.payment else None
        found = _mismatch(
            notice.outcome, notice.gateway, notice.reference, notice.transaction_no, expected, notice.amount_vnd
        )
        mismatches.append({**found, "at": timezone.localtime(notice.received_at).isoformat(timespec="seconds")})
    if statement is not None:
        ours = {p.transaction_no: p for p in paid}
        theirs = {line.transaction_no: line for line in statement}
        for number, line in theirs.items():
            payment = ours.get(number)
            if payment is None:
                mismatches.append(_mismatch("missing_here", gateway, line.reference, number, None, line.amount_vnd))
            elif payment.amount_vnd != line.amount_vnd:
                mismatches.append(
                    _mismatch("statement_amount", gateway, payment.reference, number, payment.amount_vnd,
                              line.amount_vnd)
                )  # fmt: skip
        for number, payment in ours.items():
            if number not in theirs:
                mismatches.append(
                    _mismatch("missing_in_statement", payment.gateway, payment.reference, number,
                              payment.amount_vnd, None)
                )  # fmt: skip
    with transaction.atomic():
        totals = paid.aggregate(n=Count("pk"), total=Sum("amount_vnd"))
        report = Reconciliation.objects.create(
            day=day,
            gateway=gateway,
            made_at=timezone.now(),
            payments=totals["n"],
            total_vnd=totals["total"] or 0,
            mismatches=mismatches,
        )
        audit_record(
            actor=None,
            actor_label="reconciliation",
            action="procedures.payment.reconcile",
            obj=report,
            changes={"day": day.isoformat(), "gateway": gateway, "mismatches": len(mismatches)},
        )
    return report
