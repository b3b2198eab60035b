"""Reads of the procedures app, and the access checkpoints of a dossier (STYLE.md: one per resource)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.identity.services import personal_data_view_record
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.text import Folded, fold, search_text
from smartgov.procedures.domain.status import OPEN, Status
from smartgov.procedures.kpi import COUNTS, FINISHED, KpiRow, kpi_totals
from smartgov.procedures.kpi import kpis as kpis  # the live indicators, for other apps (the warehouse's rollups)
from smartgov.procedures.kpi import kpis_rolled_up as kpis_rolled_up  # the dashboard's rows, for other apps
from smartgov.procedures.models import (
    DocumentShare,
    Dossier,
    DossierResult,
    Payment,
    Procedure,
    Reconciliation,
    StoredDocument,
)

#: A row's counts in their order, for other apps (the warehouse's monthly rollups keep them as columns).
KPI_COUNTS = COUNTS

Role = authz.Role
STAFF_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)
#: A dossier due within this time is flagged "nearly late", so an apology (form 04) can go out in time.
NEARLY_LATE = timedelta(hours=24)


def procedures_search(*, query: str = "", sector: str = "", level: str = "", agency: str = "") -> QuerySet[Procedure]:
    """Active procedures matching every word of ``query`` (with or without diacritics) and the filters.

    The query is bounded by ``search_text`` (a DomainError when it is too long or has too many words)."""
    words = fold(search_text(query)).split()
    found = Procedure.objects.filter(active=True).select_related("sector", "agency")
    for word in words:
        found = found.filter(Q(search_name__contains=word) | Q(code__startswith=word))
    if sector:
        found = found.filter(sector__code=sector)
    if level:
        found = found.filter(level=level)
    if agency:
        found = found.filter(agency__code=agency)
    return found.order_by("sector__name", "name")


def procedures_for_stewards(*, query: str = "", sector: str = "", state: str = "") -> QuerySet[Procedure]:
    """The whole catalog for its stewards, inactive procedures included (``state``: ``active``, ``inactive`` or
    all): every word of ``query`` matched with or without diacritics in the name, or as the start of the code."""
    words = fold(search_text(query)).split()
    found = Procedure.objects.select_related("sector", "agency")
    for word in words:
        found = found.filter(Q(search_name__contains=word) | Q(code__startswith=word))
    if sector:
        found = found.filter(sector__code=sector)
    if state in ("active", "inactive"):
        found = found.filter(active=state == "active")
    return found.order_by("sector__name", "name", "code")


def procedure_for_steward(code: str) -> Procedure:
    """A procedure of the catalog, active or not (the stewards' page); the rule is the page's URL rule."""
    procedure = Procedure.objects.select_related("sector", "agency").filter(code=code).first()
    if procedure is None:
        raise NotFound(_("No such procedure."))
    return procedure


def procedure_by_code(code: str) -> Procedure:
    procedure = Procedure.objects.select_related("sector", "agency").filter(code=code, active=True).first()
    if procedure is None:
        raise NotFound(_("No such procedure."))
    return procedure


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure", "procedure__sector", "receiving_agency", "current_agency", "assignee", "applicant", "portal"
    )


def dossier_for_applicant(*, user: User, dossier_id: int) -> Dossier:
    """The applicant's own dossier; another person's is "not found" (its existence is not revealed)."""
    dossier = _base().filter(pk=dossier_id, applicant=user).first() if user.is_authenticated else None
    if dossier is None:
        raise NotFound(_("No such dossier."))
    return dossier


def dossier_for_staff(*, request: HttpRequest, dossier_id: int) -> Dossier:
    """A dossier for a civil servant holding a one-stop, specialist or leader role in the agency that received
    it or holds it now. Opening it is logged as a view of the applicant's personal data."""
    user: User = request.user  # type: ignore[assignment]
    dossier = _base().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("No such dossier."))
    agencies = {dossier.receiving_agency, dossier.current_agency}
    if not any(authz.holds(user, *STAFF_ROLES, agency=agency) for agency in agencies):
        raise Forbidden(_("This dossier is not handled by an agency where you hold a role."))
    personal_data_view_record(request=request, subject=dossier.applicant, place="dossier", reason=dossier.code or "")
    return dossier


def dossier_public_lookup(*, code: str, secret: str) -> Dossier:
    """Anyone may follow a dossier with its code plus the applicant's phone number or personal ID."""
    secret = "".join(secret.split())
    # the hottest public read: one indexed query, no ordering, only the columns the answer shows
    dossier = (
        Dossier.objects.filter(code=code.strip().upper())
        .select_related("procedure", "applicant")
        .only(
            "code",
            "status",
            "submitted_at",
            "due_at",
            "returned_at",
            "applicant_phone",
            "procedure__name",
            "applicant__personal_id",
            "applicant__tax_code",
        )
        .order_by()
        .first()
    )
    if (
        dossier is None
        or not secret
        or secret
        not in {dossier.applicant_phone, dossier.applicant.personal_id or "", dossier.applicant.tax_code or ""}
    ):
        raise NotFound(_("No dossier matches this code and phone number or personal ID."))
    return dossier


def _buckets() -> dict[str, Q]:
    """The parts of the queue an officer watches, as filters (computed now: "late" and "due soon" move with time).
    A paused dossier's deadline stands still, so it is neither late nor due soon."""
    now = timezone.now()
    running = Q(status__in=OPEN, paused_at__isnull=True, due_at__isnull=False)
    return {
        "new": Q(status=Status.SUBMITTED),
        "due_soon": running & Q(due_at__gte=now, due_at__lte=now + NEARLY_LATE),
        "late": running & Q(due_at__lt=now),
        "paused": Q(status__in=OPEN, paused_at__isnull=False),
        "awaiting_fee": Q(status=Status.FINANCIAL_OBLIGATION),
    }


#: The queue's parts and their names, in the order the workspace shows them (``?nhom=`` on the queue page).
QUEUE_BUCKETS = {
    "new": gettext_lazy("Newly submitted"),
    "due_soon": gettext_lazy("Due within 24 hours"),
    "late": gettext_lazy("Late"),
    "paused": gettext_lazy("Paused"),
    "awaiting_fee": gettext_lazy("Waiting for a fee"),
}


def _held_by_staff_agencies(user: User) -> QuerySet[Dossier]:
    agencies = authz.agencies_with(user, *STAFF_ROLES)
    return _base() if agencies == authz.ALL else _base().filter(current_agency__in=agencies)


def officer_queue(*, user: User, status: int | None = None, bucket: str = "") -> QuerySet[Dossier]:
    """The open dossiers held by the agencies where ``user`` holds a one-stop, specialist or leader role; only those
    of one of :data:`QUEUE_BUCKETS` when ``bucket`` names it."""
    queue = _held_by_staff_agencies(user).exclude(status=Status.DRAFT)
    queue = (
        queue.filter(status=status)
        if status is not None
        else queue.filter(status__in=[*OPEN, Status.FINISHED, Status.SUPPLEMENT_REQUESTED])
    )
    if bucket:
        if bucket not in QUEUE_BUCKETS:
            raise DomainError(_("Unknown part of the queue."), code="unknown_bucket")
        queue = queue.filter(_buckets()[bucket])
    return queue.order_by("due_at", "pk")


def officer_queue_counts(*, user: User) -> dict[str, int]:
    """How many dossiers of ``user``'s queue are in each of :data:`QUEUE_BUCKETS`, in one query."""
    buckets = _buckets()
    counted = officer_queue(user=user).aggregate(**{name: Count("pk", filter=buckets[name]) for name in QUEUE_BUCKETS})
    return {name: counted[name] or 0 for name in QUEUE_BUCKETS}


#: The most dossiers a staff search returns (a search narrows; it does not list an agency's archive).
STAFF_SEARCH_LIMIT = 50


@dataclass(frozen=True)
class StaffSearch:
    """A staff search's answer: the dossiers found (at most ``limit``) and whether more matched."""

    dossiers: list[Dossier]
    more: bool
    limit: int = STAFF_SEARCH_LIMIT


def dossiers_search_for_staff(*, request: HttpRequest, query: str, limit: int = STAFF_SEARCH_LIMIT) -> StaffSearch:
    """The dossiers received or held by the agencies where the signed-in civil servant holds a one-stop, specialist
    or leader role (as :func:`dossier_for_staff` allows), matching ``query``: a dossier code (from its start), an
    applicant's personal ID or tax code (the whole number), or words of the applicant's name typed with or without
    diacritics. Bounded by ``search_text``; newest first, at most ``limit``. The applicants of the dossiers found
    are logged as personal-data views (the list shows them masked, but a search by name or ID reveals who has a
    dossier here)."""
    user: User = request.user  # type: ignore[assignment]
    text = search_text(query)
    if not text:
        return StaffSearch([], more=False, limit=limit)
    agencies = authz.agencies_with(user, *STAFF_ROLES)
    if not agencies:
        raise Forbidden(_("The search is for one-stop-shop officers, specialists and leaders."))
    found = _base().exclude(status=Status.DRAFT)
    if agencies != authz.ALL:
        found = found.filter(Q(receiving_agency__in=agencies) | Q(current_agency__in=agencies))
    bare = "".join(text.split()).replace("-", "")
    if bare.isdigit() and len(bare) in (10, 12, 13):  # a tax code (10 or 13 digits) or a personal ID (12)
        match = Q(applicant__personal_id=bare) | Q(applicant__tax_code=bare)
    else:
        match = Q(code__istartswith=text)
        words = fold(text).split()
        if words:
            by_name = Q()
            for word in words:
                by_name &= Q(applicant_folded__contains=word)
            match |= by_name
        found = found.annotate(applicant_folded=Folded("applicant_name"))
    rows = list(found.filter(match).order_by("-submitted_at", "-pk")[: limit + 1])
    dossiers, more = rows[:limit], len(rows) > limit
    for applicant in {d.applicant_id: d.applicant for d in dossiers}.values():
        personal_data_view_record(request=request, subject=applicant, place="dossier search", reason=text[:60])
    return StaffSearch(dossiers, more=more, limit=limit)


def kpi_summary_for(*, user: User) -> KpiRow | None:
    """The year's service-quality indicators of the agencies where ``user`` holds a one-stop, specialist or leader
    role, added up (the whole city for a role held without an agency); None without such a role."""
    agencies = authz.agencies_with(user, *STAFF_ROLES)
    if not agencies:
        return None
    today = timezone.localdate()
    rows, _rolled_up_at = kpis_rolled_up(start=today.replace(month=1, day=1), end=today)  # ended months rolled up
    if agencies != authz.ALL:
        codes = set(Agency.objects.filter(pk__in=agencies).values_list("code", flat=True))
        rows = [r for r in rows if r.agency_code in codes]
    return kpi_totals(rows)


def specialists_of(*, agency: Agency) -> QuerySet[User]:
    """The active accounts holding the specialist role in ``agency`` (whom a dossier there can be assigned to)."""
    return User.objects.filter(roles__role=Role.SPECIALIST, roles__agency=agency, is_active=True).order_by("full_name")


def payment_receipt_for(*, user: User, payment_id: int) -> Payment:
    """A paid payment of the user's own dossier: its e-receipt is theirs to download."""
    payment = (
        Payment.objects.select_related("dossier__receiving_agency", "dossier__procedure", "payer")
        .filter(pk=payment_id, dossier__applicant=user, state=Payment.State.PAID)
        .first()
    )
    if payment is None:
        raise NotFound(_("No such receipt."))
    return payment


def reconciliations_for(*, user: User) -> QuerySet[Reconciliation]:
    """The reconciliation reports a leader of any agency (or a platform administrator) may read."""
    if not authz.holds(user, Role.LEADER, Role.PLATFORM_ADMIN):
        raise Forbidden(_("Only leaders read the payment reconciliation."))
    return Reconciliation.objects.all()


def result_by_code(code: str) -> DossierResult | None:
    """A result by the verification code printed on it (public: shows what the document must be)."""
    return (
        DossierResult.objects.select_related("dossier__procedure", "dossier__receiving_agency")
        .filter(code=code.strip().upper())
        .first()
    )


def result_by_digest(sha256: str) -> DossierResult | None:
    return DossierResult.objects.select_related("dossier__procedure").filter(sha256=sha256).first()


def documents_of(*, owner: User) -> QuerySet[StoredDocument]:
    return StoredDocument.objects.filter(owner=owner).prefetch_related("shares__agency")


def document_of(*, owner: User, document_id: int) -> StoredDocument:
    document = StoredDocument.objects.filter(pk=document_id, owner=owner).first()
    if document is None:
        raise NotFound(_("No such document in your store."))
    return document


def shares_for_staff(*, user: User) -> QuerySet[DocumentShare]:
    """Documents citizens currently share with an agency where ``user`` holds a one-stop-shop role."""
    if not authz.holds(user, *STAFF_ROLES):
        raise Forbidden(_("Only one-stop-shop officers, specialists and leaders see shared documents."))
    agencies = authz.agencies_with(user, *STAFF_ROLES)
    shares = DocumentShare.objects.all() if agencies == authz.ALL else DocumentShare.objects.filter(agency__in=agencies)
    return (
        shares.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("document__owner", "agency")
        .order_by("-created_at")
    )


def applicant_counts(*, user: User) -> dict[str, int]:
    """What the person's space says about their dossiers, fees and documents: one aggregate query over their
    dossiers (drafts, open, waiting for them), one over their paid fees, one over their store."""
    from django.db.models import Count

    mine = Dossier.objects.filter(applicant=user).aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        open=Count("pk", filter=Q(status__in=OPEN)),
        supplement=Count("pk", filter=Q(status=Status.SUPPLEMENT_REQUESTED)),
        to_pay=Count("pk", filter=Q(status=Status.FINANCIAL_OBLIGATION)),
    )
    paid = Payment.objects.filter(dossier__applicant=user, state=Payment.State.PAID).count()
    return {**mine, "paid": paid, "documents": StoredDocument.objects.filter(owner=user).count()}


def payments_of(*, user: User) -> dict[str, list[Any]]:
    """The person's fees: the dossiers waiting for one (to pay now) and the paid ones with their e-receipts."""
    due = list(
        Dossier.objects.filter(applicant=user, status=Status.FINANCIAL_OBLIGATION)
        .select_related("procedure")
        .order_by("-submitted_at")[:100]
    )
    paid = list(
        Payment.objects.filter(dossier__applicant=user, state=Payment.State.PAID)
        .select_related("dossier__procedure")
        .order_by("-paid_at")[:200]
    )
    return {"due": due, "paid": paid}


#: The columns of ``dossier_rows``, in order: what the one-stop shop publishes to the warehouse (``mot_cua.ho_so``).
DOSSIER_ROW_FIELDS = (
    "code",
    "procedure_code",
    "receiving_agency_code",
    "channel",
    "status",
    "submitted_at",
    "due_at",
    "finished_at",
    "on_time",
    "fee_vnd",
    "rating",
    "applicant_personal_id",
    "applicant_name",
)


def dossier_rows(*, chunk_size: int = 10_000) -> Iterator[list[tuple[Any, ...]]]:
    """Every submitted dossier (drafts have no code and are left out) as tuples of ``DOSSIER_ROW_FIELDS``, in
    chunks of at most ``chunk_size`` read by primary key (keyset pages: the memory held is one chunk, whatever the
    number of dossiers). ``on_time`` is None until the dossier is finished."""
    last = 0
    fields = (
        "pk",
        "code",
        "procedure__code",
        "receiving_agency__code",
        "channel",
        "status",
        "submitted_at",
        "due_at",
        "finished_at",
        "fee_vnd",
        "rating",
        "applicant__personal_id",
        "applicant_name",
    )
    finished = frozenset(FINISHED)
    while True:
        page = list(
            Dossier.objects.filter(pk__gt=last, code__isnull=False)
            .exclude(status=Status.DRAFT)
            .order_by("pk")
            .values_list(*fields)[:chunk_size]
        )
        if not page:
            return
        last = page[-1][0]
        yield [
            (
                code,
                procedure,
                agency,
                channel,
                status,
                submitted,
                due,
                done,
                (due is not None and done <= due) if status in finished and done is not None else None,
                int(fee or 0),
                rating,
                personal_id or None,
                name,
            )
            for _pk, code, procedure, agency, channel, status, submitted, due, done, fee, rating, personal_id, name in (
                page
            )
        ]


def dossiers_first_day() -> date | None:
    """The local day the first dossier was submitted (None without any): where the indicators' months begin."""
    first = Dossier.objects.exclude(status=Status.DRAFT).aggregate(first=Min("submitted_at"))["first"]
    return timezone.localdate(first) if first is not None else None
