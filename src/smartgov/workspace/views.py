"""The officers' workspace: a home that answers "what is waiting for me" (the parts of their queue, the year's
indicators of their agencies, their latest notifications, every tool their roles open) and a search over the
dossiers of their agencies. The data comes from each app's selectors; nothing here writes."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartgov.identity import authz
from smartgov.identity.selectors import User, mask_person_name, mask_personal_id
from smartgov.notifications.selectors import notifications_of, unread_count
from smartgov.procedures.selectors import (
    QUEUE_BUCKETS,
    STAFF_ROLES,
    dossiers_search_for_staff,
    kpi_summary_for,
    officer_queue_counts,
)

#: How many notifications the home shows (the inbox has the rest).
LATEST_NOTIFICATIONS = 5


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    handles_dossiers = authz.holds(me, *STAFF_ROLES)
    counts = officer_queue_counts(user=me) if handles_dossiers else {}
    context = {
        "assignments": authz.role_assignments(me),
        "handles_dossiers": handles_dossiers,
        "buckets": [(name, label, counts[name]) for name, label in QUEUE_BUCKETS.items()] if counts else [],
        "indicators": kpi_summary_for(user=me) if handles_dossiers else None,
        "notifications": list(notifications_of(me, limit=LATEST_NOTIFICATIONS)),
        "unread": unread_count(me),
    }
    return render(request, "workspace/home.html", context)


@dataclass(frozen=True)
class FoundRow:
    """A dossier found, as the list shows it: the applicant's name and number masked."""

    pk: int
    code: str
    procedure: str
    applicant: str
    personal_id: str
    status: str
    held_by: str
    submitted_at: object


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    found = dossiers_search_for_staff(request=request, query=query)
    rows = [
        FoundRow(
            pk=d.pk,
            code=d.code or "",
            procedure=d.procedure.name,
            applicant=mask_person_name(d.applicant_name),
            personal_id=mask_personal_id(d.applicant.personal_id or d.applicant.tax_code or ""),
            status=d.get_status_display(),
            held_by=d.current_agency.name,
            submitted_at=d.submitted_at,
        )
        for d in found.dossiers
    ]
    context = {"query": query.strip(), "rows": rows, "more": found.more, "limit": found.limit}
    return render(request, "workspace/search.html", context)
