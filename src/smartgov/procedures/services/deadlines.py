"""Codes and deadlines of dossiers: the day's dossier code, the appointment on the working-day calendar, a
workflow step's share of it, the clock stopped and started again, and the warning before an appointment."""

from datetime import datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartgov.platform.models import Agency
from smartgov.platform.selectors.calendar import (
    add_working_days,
    add_working_hours,
    working_days_between,
    working_hours_between,
)
from smartgov.platform.services.outbox import event_publish
from smartgov.procedures.models import Dossier, DossierSequence, Procedure


def dossier_code_next(*, agency: Agency, moment: datetime) -> str:
    """The next ``<agency ID>-<YYMMDD>-<NNNN>`` of the agency's day. Call inside the submitting transaction:
    the day's counter row stays locked until it commits, so concurrent submissions get distinct, gap-free
    numbers, and a submission that fails gives its number back."""
    day = timezone.localtime(moment).date()
    sequence = DossierSequence.objects.select_for_update().filter(agency=agency, day=day).first()
    if sequence is None:
        try:
            with transaction.atomic():
                sequence = DossierSequence.objects.create(agency=agency, day=day, last=0)
        except IntegrityError:  # another submission created the day's row first: wait for its lock
            sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{agency.code}-{day:%y%m%d}-{sequence.last:04d}"


def due_from(procedure: Procedure, start: datetime) -> datetime:
    """The appointment: ``start`` plus the procedure's processing time on the working-day calendar."""
    if procedure.processing_unit == Procedure.TimeUnit.WORKING_HOURS:
        return add_working_hours(start, float(procedure.processing_time))
    return add_working_days(start, int(procedure.processing_time))


#: A step's due time is counted from "now" even after the afternoon cut-off: the cut-off is for receipts only.
_NO_CUTOFF = clock(23, 59, 59)


def processing_text(procedure: Procedure) -> str:
    """What the catalog says about the processing time, read as :func:`due_from` computes it: 0 working days is
    the close of the receipt day (the law's "giải quyết ngay trong ngày"), never "0 ngày làm việc"."""
    amount = procedure.processing_time
    if procedure.processing_unit == Procedure.TimeUnit.WORKING_HOURS:
        hours = f"{float(amount):g}".replace(".", ",")
        return ngettext("%(n)s working hour", "%(n)s working hours", int(amount) or 1) % {"n": hours}
    days = int(amount)
    if days == 0:
        return _("Within the working day (received after %(cutoff)s: by the end of the next working day)") % {
            "cutoff": settings.SMARTGOV_AFTERNOON_CUTOFF
        }
    return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}


def step_due(dossier: Dossier, *, now: datetime | None = None) -> datetime | None:
    """The due time of the current workflow step: its share of the **office time** left before the appointment,
    counted on the working calendar from ``now``. A share of wall-clock time (``now + (due - now) × share``)
    counted nights and days off as time to work and put steps due at 02:01; office time always lands inside
    office hours, and never after the appointment. A late dossier's step is due at its appointment."""
    steps = dossier.procedure.workflow or []
    if not steps or dossier.step >= len(steps) or dossier.due_at is None:
        return None
    share = float(steps[dossier.step].get("share", 0) or 0)
    if not share:
        return None
    now = now or timezone.now()
    if dossier.due_at <= now:
        return dossier.due_at
    left = working_hours_between(now, dossier.due_at)
    if left <= 0:  # nothing but nights and days off before the appointment
        return dossier.due_at
    return min(add_working_hours(now, left * min(share, 1.0), cutoff=_NO_CUTOFF), dossier.due_at)


def clock_restart(dossier: Dossier) -> tuple[datetime | None, int]:
    """Start the paused clock again: the appointment moves later by the working days the dossier waited.
    Returns the previous appointment and those days."""
    previous = dossier.due_at
    if dossier.paused_at is None:
        return previous, 0
    paused_days = working_days_between(timezone.localdate(dossier.paused_at), timezone.localdate(timezone.now()))
    if previous is not None and paused_days:
        # counted from the due day itself (a late cut-off), so the appointment moves by exactly that many
        dossier.due_at = add_working_days(previous, paused_days, cutoff=clock(23, 59))
        dossier.due_soon_flagged_at = None
    dossier.paused_at = None
    return previous, paused_days


def dossiers_flag_due_soon(*, within: timedelta = timedelta(hours=24)) -> int:
    """Warn once per appointment about open dossiers due within ``within``: an outbox event
    ``procedures.dossier.due_soon`` for the agency holding it (notifications, dashboards), so an apology
    (form 04) can still go out before the due time. Returns how many were flagged."""
    from smartgov.procedures.domain.status import OPEN

    now = timezone.now()
    flagged = 0
    candidates = Dossier.objects.filter(
        status__in=OPEN,
        due_at__gt=now,
        due_at__lte=now + within,
        due_soon_flagged_at__isnull=True,
        paused_at__isnull=True,  # the clock of a paused dossier is stopped
    ).values_list("pk", flat=True)
    for dossier_id in list(candidates[:5000]):
        with transaction.atomic():
            dossier = (
                Dossier.objects.select_for_update().filter(pk=dossier_id, due_soon_flagged_at__isnull=True).first()
            )
            if dossier is None:
                continue
            dossier.due_soon_flagged_at = now
            dossier.save(update_fields=["due_soon_flagged_at"])
            event_publish(
                topic="procedures.dossier.due_soon",
                payload={
                    "dossier": dossier.pk,
                    "code": dossier.code,
                    "agency": dossier.current_agency_id,
                    "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
                },
                obj=dossier,
            )
            flagged += 1
    return flagged
