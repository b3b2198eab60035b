"""Service-quality indicators of Decision 766/QĐ-TTg, per receiving agency and month, computed by the database
(one grouped query per measure, whatever the number of dossiers).

- online rate = dossiers received online / dossiers received;
- on-time rate = dossiers finished on or before their due time / dossiers finished;
- digitisation rate = dossiers received with their documents in electronic form / dossiers received;
- reuse rate = dossiers received with a document taken from the applicant's store / dossiers received;
- digitised results = dossiers finished with a signed electronic result / dossiers finished;
- satisfaction = average rating (1–5) and the share of ratings of 4 or 5;
- online payment rate = dossiers with a fee paid online / dossiers with a fee.
A rate with nothing to divide by is "not available", never zero.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from smartgov.platform.models import Agency
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Attachment, Dossier, DossierResult

FINISHED = (Status.FINISHED, Status.RETURNED)


@dataclass
class KpiRow:
    agency_code: str
    agency_name: str
    month: date
    received: int = 0
    received_online: int = 0
    digitised: int = 0
    finished: int = 0
    finished_on_time: int = 0
    rated: int = 0
    rating_sum: float = 0.0
    satisfied: int = 0
    with_fee: int = 0
    paid_online: int = 0
    reused_components: int = 0
    results_digitised: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def online_rate(self) -> float | None:
        return self._rate(self.received_online, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.finished_on_time, self.finished)

    @property
    def digitisation_rate(self) -> float | None:
        return self._rate(self.digitised, self.received)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def online_payment_rate(self) -> float | None:
        return self._rate(self.paid_online, self.with_fee)

    @property
    def reuse_rate(self) -> float | None:
        return self._rate(self.reused_components, self.received)

    @property
    def result_digitisation_rate(self) -> float | None:
        return self._rate(self.results_digitised, self.finished)


#: The counts of a row, in their order (what a rollup of the indicators keeps; the rates are computed from them).
COUNTS = tuple(f.name for f in fields(KpiRow) if f.name not in ("agency_code", "agency_name", "month"))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.max, tzinfo=tz)


def kpis(*, start: date, end: date, agency_code: str = "") -> list[KpiRow]:
    """One row per receiving agency and month between ``start`` and ``end`` (inclusive, local dates)."""
    since, until = _bounds(start, end)
    base = Dossier.objects.exclude(status=Status.DRAFT)
    if agency_code:
        base = base.filter(receiving_agency__code=agency_code)
    rows: dict[tuple[int, date], KpiRow] = {}
    agencies: dict[int, tuple[str, str]] = {}

    def row(values: dict[str, Any]) -> KpiRow:
        month = values["month"]
        month = month.date() if isinstance(month, datetime) else month
        key = (values["receiving_agency_id"], month)
        if key not in rows:
            if not agencies:
                agencies.update((a.pk, (a.code, a.name)) for a in Agency.objects.only("code", "name"))
            code, name = agencies.get(key[0], ("", ""))
            rows[key] = KpiRow(code, name, month)
        return rows[key]

    # grouped by the agency's id and the month only: narrow rows, hashed in the database, names looked up once
    group = ("receiving_agency_id", "month")
    has_documents = Exists(Attachment.objects.filter(dossier=OuterRef("pk")))
    has_reused = Exists(Attachment.objects.filter(dossier=OuterRef("pk"), reused_from__isnull=False))
    received = (
        base.filter(submitted_at__range=(since, until))
        .annotate(month=TruncMonth("submitted_at"), digital=has_documents, reused=has_reused)
        .values(*group)
        .annotate(
            n=Count("pk"),
            online=Count("pk", filter=Q(channel=Dossier.Channel.ONLINE)),
            digitised=Count("pk", filter=Q(digital=True)),
            reused_n=Count("pk", filter=Q(reused=True)),
            with_fee=Count("pk", filter=Q(fee_vnd__gt=0)),
            paid=Count("pk", filter=Q(fee_vnd__gt=0, paid_at__isnull=False)),
        )
    )
    for values in received:
        r = row(values)
        r.received, r.received_online = values["n"], values["online"]
        r.digitised, r.with_fee = values["digitised"], values["with_fee"]
        r.reused_components, r.paid_online = values["reused_n"], values["paid"]
    finished = (
        base.filter(status__in=FINISHED, finished_at__range=(since, until))
        .annotate(month=TruncMonth("finished_at"), signed=Exists(DossierResult.objects.filter(dossier=OuterRef("pk"))))
        .values(*group)
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(finished_at__lte=F("due_at"))),
            results=Count("pk", filter=Q(signed=True)),
        )
    )
    for values in finished:
        r = row(values)
        r.finished, r.finished_on_time = values["n"], values["on_time"]
        r.results_digitised = values["results"]
    rated = (
        base.filter(rating__isnull=False, returned_at__range=(since, until))
        .annotate(month=TruncMonth("returned_at"))
        .values(*group)
        .annotate(n=Count("pk"), average=Avg("rating"), satisfied=Count("pk", filter=Q(rating__gte=4)))
    )
    for values in rated:
        r = row(values)
        r.rated, r.satisfied = values["n"], values["satisfied"]
        r.rating_sum = float(values["average"] or 0) * values["n"]
    return sorted(rows.values(), key=lambda r: (r.month, r.agency_name))


def kpi_totals(rows: list[KpiRow]) -> KpiRow:
    """The rows added up (rates recomputed from the sums, not averaged)."""
    total = KpiRow("", "", rows[0].month if rows else timezone.localdate())
    for r in rows:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s, both included."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return months


def kpi_by_month(rows: list[KpiRow], *, start: date | None = None, end: date | None = None) -> list[KpiRow]:
    """The rows added up per month. With ``start`` and ``end``, every month of the range is there, a month
    without dossiers as an empty row (counts zero, rates "not available"), so a chart never skips one."""
    months: dict[date, list[KpiRow]] = defaultdict(list)
    if start is not None and end is not None:
        for month in months_between(start, end):
            months[month] = []
    for r in rows:
        months[r.month].append(r)
    out = []
    for month, group in sorted(months.items()):
        total = kpi_totals(group)
        total.month = month
        out.append(total)
    return out


def _month_end(month: date) -> date:
    return (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def kpis_rolled_up(*, start: date, end: date) -> tuple[list[KpiRow], datetime | None]:
    """The same rows as ``kpis(start=start, end=end)``, with the whole months that had ended read from the
    warehouse's monthly rollup (``mot_cua.chi_so_766_thang``) and only the rest computed here: the current month, a
    month the period cuts, a month the rollup does not cover yet. Returns the rows and when the rollup was made
    (None when it served nothing: everything was computed live)."""
    if not apps.is_installed("smartgov.warehouse"):
        return kpis(start=start, end=end), None
    from smartgov.warehouse.selectors.rollups import kpi_rollups  # only where the warehouse is installed

    today = timezone.localdate()
    first_whole = start if start.day == 1 else _month_end(start) + timedelta(days=1)
    last_whole = end.replace(day=1) if end == _month_end(end) else end.replace(day=1) - timedelta(days=1)
    last_closed = min(last_whole.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1))
    rolled = kpi_rollups(first_whole, last_closed) if first_whole <= last_closed else None
    if rolled is None:
        return kpis(start=start, end=end), None
    covered = set(rolled.months)
    # the days of the period outside the covered months, as few ranges as possible (one query per measure each)
    ranges: list[list[date]] = []
    for month in months_between(start, end):
        if month in covered:
            continue
        piece = [max(start, month), min(end, _month_end(month))]
        if ranges and ranges[-1][1] + timedelta(days=1) == piece[0]:
            ranges[-1][1] = piece[1]
        else:
            ranges.append(piece)
    rows = [KpiRow(**row) for row in rolled.rows]  # type: ignore[arg-type]
    for low, high in ranges:
        rows.extend(kpis(start=low, end=high))
    names = dict(Agency.objects.filter(code__in={r.agency_code for r in rows}).values_list("code", "name"))
    for row in rows:
        row.agency_name = names.get(row.agency_code, row.agency_name)
        row.rating_sum = float(row.rating_sum)
    return sorted(rows, key=lambda r: (r.month, r.agency_name)), rolled.rolled_up_at
