"""The officers' pages: the queue of their agencies (late and nearly-late dossiers flagged), a dossier with its
documents and process-control form, and the moves their roles allow. Every move is the same service as the
API's; a stale page is refused (the form carries the dossier's version)."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import flatatt
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.platform.dates import MOMENT_INVALID, day_attrs, parse_day, parse_moment, show_day
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.text import fold, search_text
from smartgov.procedures.documents import NOTICES, notice_response, payment_receipt_response
from smartgov.procedures.domain.moves import MOVES, moves_allowed
from smartgov.procedures.models import Dossier, DossierResult, Payment
from smartgov.procedures.results import result_response
from smartgov.procedures.selectors import (
    NEARLY_LATE,
    QUEUE_BUCKETS,
    STAFF_ROLES,
    dossier_for_staff,
    officer_queue,
    specialists_of,
)
from smartgov.procedures.services import moves
from smartgov.procedures.services.citizens import applicant_check

Role = authz.Role


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def lateness(dossier: Dossier, now: datetime) -> str:
    if dossier.paused_at is not None:
        return "paused"
    if dossier.due_at is None or dossier.status not in (1, 2, 4, 6):
        return ""
    if dossier.due_at < now:
        return "late"
    if dossier.due_at - now <= NEARLY_LATE:
        return "nearly_late"
    return ""


def _officer(request: HttpRequest) -> User:
    """The checkpoint of the queue and the tracking book: a one-stop, specialist or leader role somewhere."""
    me = _me(request)
    if not authz.holds(me, *STAFF_ROLES):
        raise Forbidden(_("The queue is for one-stop-shop officers, specialists and leaders."))
    return me


@login_required
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Form 06: the book of dossiers received by the officer's agencies in a period, as an Excel file."""
    import io

    from openpyxl import Workbook

    me = _officer(request)
    today = timezone.localdate()
    start = parse_day(request.GET.get("tu", "")) or today.replace(day=1)
    end = parse_day(request.GET.get("den", "")) or today
    agencies = authz.agencies_with(me, *STAFF_ROLES)
    received = Dossier.objects.all() if agencies == authz.ALL else Dossier.objects.filter(receiving_agency__in=agencies)
    rows = (
        received.filter(
            submitted_at__date__range=(start, end),
        )
        .select_related("procedure", "receiving_agency", "current_agency")
        .order_by("submitted_at", "pk")
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has a sheet
    sheet.title = "so-theo-doi"
    sheet.append(["SỔ THEO DÕI HỒ SƠ (Mẫu số 06)", f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"])
    sheet.append(
        [
            "STT",
            "Mã hồ sơ",
            "Thủ tục",
            "Người nộp",
            "Nơi tiếp nhận",
            "Ngày nhận",
            "Hẹn trả",
            "Ngày giải quyết",
            "Ngày trả kết quả",
            "Trạng thái",
            "Đang xử lý tại",
        ]
    )
    local = timezone.localtime
    for number, d in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append(
            [
                number,
                d.code,
                d.procedure.name,
                d.applicant_name,
                d.receiving_agency.name,
                local(d.submitted_at).strftime("%d/%m/%Y %H:%M") if d.submitted_at else "",
                local(d.due_at).strftime("%d/%m/%Y %H:%M") if d.due_at else "",
                local(d.finished_at).strftime("%d/%m/%Y %H:%M") if d.finished_at else "",
                local(d.returned_at).strftime("%d/%m/%Y %H:%M") if d.returned_at else "",
                d.get_status_display(),
                d.current_agency.name,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue, or one part of it (``?nhom=new|due_soon|late|paused|awaiting_fee``, the workspace's counts)."""
    me = _officer(request)
    now = timezone.now()
    bucket = request.GET.get("nhom", "")
    rows = [(d, lateness(d, now)) for d in officer_queue(user=me, bucket=bucket)[:300]]
    leads = authz.holds(me, Role.LEADER, Role.PLATFORM_ADMIN)
    context = {"rows": rows, "leads": leads, "bucket": QUEUE_BUCKETS.get(bucket, "")}
    return render(request, "procedures/queue.html", context)


def hand_over_choices(dossier: Dossier, query: str) -> list[Agency]:
    """The agencies a dossier can be handed to (about 135 in Hai Phong), grouped by kind, narrowed to those whose
    name or code holds every word of ``query`` — with or without diacritics ("so tu phap" finds "Sở Tư pháp").
    The page's search works without JavaScript through this; with it, static/smartgov/js/select-filter.js
    narrows the same list as the officer types."""
    agencies = Agency.objects.filter(is_active=True).exclude(pk=dossier.current_agency_id).order_by("kind", "name")
    words = fold(search_text(query)).split()
    if not words:
        return list(agencies)
    return [a for a in agencies if all(w in f"{fold(a.name)} {a.code.lower()}" for w in words)]


@login_required
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_for_staff(request=request, dossier_id=pk)
    names = {c["code"]: c["name"] for c in dossier.procedure.components}
    labels = {
        p: dossier.procedure.form_schema.get("properties", {}).get(p, {}).get("title", p) for p in dossier.form_data
    }
    agency_query = request.GET.get("co-quan", "").strip()
    context = {
        "dossier": dossier,
        "lateness": lateness(dossier, timezone.now()),
        "form_rows": [(labels[k], show_day(v)) for k, v in dossier.form_data.items()],
        "attachments": [(names.get(a.component, a.component), a) for a in dossier.attachments.all()],
        "events": dossier.events.select_related("agency", "actor"),
        "payments": dossier.payments.prefetch_related("callbacks"),
        "result": DossierResult.objects.filter(dossier=dossier).first(),
        "moves": moves_allowed(request, dossier),
        "agencies": hand_over_choices(dossier, agency_query),
        "agency_query": agency_query,
        "moment_attrs": flatatt(day_attrs(moment=True)),
        "notice_url": "procedures:officer-notice",
        "notice_actions": list(NOTICES),
        "specialists": specialists_of(agency=dossier.current_agency),
    }
    return render(request, "procedures/officer_dossier.html", context)


@login_required
@require_POST
def move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A move from the page without JavaScript: the same service as the API's (with it, the form calls the API)."""
    if action not in MOVES:
        raise NotFound(_("No such action."))
    dossier_for_staff(request=request, dossier_id=pk)  # the checkpoint before anything else
    post = request.POST
    inputs: dict[str, object] = {field.name: post.get(field.name, "") for field in MOVES[action].inputs}
    for field in MOVES[action].inputs:  # the page's dates are day/month/year hour:minute (the API's are ISO)
        if field.kind == "datetime" and inputs[field.name]:
            inputs[field.name] = parse_moment(inputs[field.name])
            if inputs[field.name] is None:
                messages.error(request, str(MOMENT_INVALID))
                return redirect("procedures:officer-dossier", pk=pk)
    try:
        moved = moves.dossier_officer_move(
            officer=authz.principal_of(request),
            dossier_id=pk,
            move=action,
            version=int(post["version"]) if post.get("version", "").isdigit() else None,
            inputs=inputs,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("procedures:officer-dossier", pk=pk)
    messages.success(request, moves.move_message(action, moved))
    if MOVES[action].leaves:  # the dossier may have left the officer's agency
        return redirect("procedures:queue")
    return redirect("procedures:officer-dossier", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    dossier = dossier_for_staff(request=request, dossier_id=pk)
    found = dossier.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound(_("No such document."))
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="{found.component}-{found.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notice(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    return notice_response(dossier_for_staff(request=request, dossier_id=pk), event_id)


@login_required
@require_POST
def citizen_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Look the applicant up in the national population database, through the data-exchange gateway."""
    dossier = dossier_for_staff(request=request, dossier_id=pk)
    context: dict[str, object] = {"dossier": dossier, "personal_id": dossier.applicant.personal_id or ""}
    try:
        context["comparison"] = applicant_check(dossier=dossier, officer=_me(request))
    except DomainError as exc:
        context["problem"] = exc.message
        return render(request, "procedures/citizen_check.html", context, status=exc.status)
    return render(request, "procedures/citizen_check.html", context)


@login_required
def payment_receipt(request: HttpRequest, pk: int, payment_id: int) -> HttpResponse:
    """The e-receipt of a paid payment, as the applicant got it: the officer checks it against the dossier."""
    dossier = dossier_for_staff(request=request, dossier_id=pk)
    payment = (
        dossier.payments.select_related("dossier__receiving_agency", "dossier__procedure", "payer")
        .filter(pk=payment_id, state=Payment.State.PAID)
        .first()
    )
    if payment is None:
        raise NotFound(_("No such receipt."))
    return payment_receipt_response(payment)


@login_required
def result_file(request: HttpRequest, pk: int) -> FileResponse:
    return result_response(dossier_for_staff(request=request, dossier_id=pk))


urlpatterns: list[URLPattern] = [
    path("mot-cua/", queue, name="queue"),
    path("mot-cua/so-theo-doi/", tracking_book, name="tracking-book"),
    path("mot-cua/<int:pk>/", dossier_page, name="officer-dossier"),
    path("mot-cua/<int:pk>/tai-lieu/<int:attachment_id>/", attachment, name="officer-attachment"),
    path("mot-cua/<int:pk>/phieu/<int:event_id>.pdf", notice, name="officer-notice"),
    path("mot-cua/<int:pk>/bien-lai/<int:payment_id>.pdf", payment_receipt, name="officer-receipt"),
    path("mot-cua/<int:pk>/ket-qua.pdf", result_file, name="officer-result"),
    path("mot-cua/<int:pk>/tra-cuu-csdl-dan-cu/", citizen_check, name="citizen-check"),
    path("mot-cua/<int:pk>/<slug:action>/", move, name="officer-move"),
]
