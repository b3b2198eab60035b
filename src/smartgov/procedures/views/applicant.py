"""The applicant's pages: fill the form and attach documents, save a draft or submit, follow one's dossiers,
withdraw, answer a supplement request, rate the service. Every action is the same service as the API's."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.procedures.documents import NOTICES, notice_response, receipt_response
from smartgov.procedures.domain.status import TRANSITIONS, Status
from smartgov.procedures.formrender import form_data_from, form_errors_show, schema_form
from smartgov.procedures.forms import FORM, FieldError, FormInvalid, documents_errors, form_errors
from smartgov.procedures.models import Dossier, DossierResult, Payment, Procedure
from smartgov.procedures.selectors import documents_of, dossier_for_applicant, procedure_by_code
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _receiving_choices(procedure: Procedure) -> list[Agency]:
    if procedure.level == Procedure.Level.COMMUNE:
        return list(Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).order_by("name"))
    return [procedure.agency] if procedure.agency else []


def _documents_chosen(request: HttpRequest, procedure: Procedure, draft: Dossier | None) -> set[str]:
    """The components the applicant has: attached to the draft, uploaded now, or taken from the store now."""
    chosen = set(draft.attachments.values_list("component", flat=True)) if draft else set()
    for component in procedure.components:
        code = component["code"]
        if f"file_{code}" in request.FILES or request.POST.get(f"reuse_{code}", "").isdigit():
            chosen.add(code)
    return chosen


def _summary(form: Any, errors: list[FieldError]) -> list[dict[str, str]]:
    """The error summary at the top of the page: each message, linked to its field."""
    rows = []
    for error in errors:
        loc = error.loc
        if loc[:1] == (FORM,) and len(loc) == 2 and loc[1] in form.fields:
            anchor = form[loc[1]].auto_id
        elif loc == ("receiving_agency",):
            anchor = "id_agency"
        elif loc[:1] == ("components",) and len(loc) == 2:
            anchor = f"file_{loc[1]}"
        else:
            anchor = ""
        rows.append({"anchor": anchor, "msg": error.msg})
    return rows


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Fill in the form of ``code`` (a new draft, or ``?ho-so=<id>`` to continue one), attach, save or submit.

    A submission that fails its checks creates no draft: the form is checked first (the same check as the API's)
    and shown again with each message beside its field. A draft is created only when one is saved, or when a
    valid form is submitted (it then holds the documents); later tries reuse it (``dossier`` in the form)."""
    procedure = procedure_by_code(code)
    me = _me(request)
    draft: Dossier | None = None
    draft_id = request.POST.get("dossier") or request.GET.get("ho-so")
    if draft_id and str(draft_id).isdigit():
        draft = dossier_for_applicant(user=me, dossier_id=int(draft_id))
        if draft.status != Status.DRAFT:
            return redirect("procedures:my-dossier", pk=draft.pk)
    agencies = _receiving_choices(procedure)
    form = schema_form(procedure.form_schema, data=request.POST or None, initial=draft.form_data if draft else None)
    errors: list[FieldError] = []
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        agency = next((a for a in agencies if a.code == request.POST.get("agency")), None)
        data = form_data_from(procedure.form_schema, request.POST)
        if agency is None:
            errors.append(FieldError(("receiving_agency",), _("Choose where to submit the dossier."), "required"))
        if submitting:
            errors += form_errors(procedure.form_schema, data)
            errors += documents_errors(procedure.components, _documents_chosen(request, procedure, draft))
        if agency is not None and not errors:
            try:
                draft = svc.dossier_draft_save(
                    applicant=me,
                    procedure=procedure,
                    receiving_agency=agency,
                    form_data=data,
                    dossier_id=draft.pk if draft else None,
                )
                for component in procedure.components:
                    upload = request.FILES.get(f"file_{component['code']}")
                    if upload is not None:
                        attachments.attachment_add(
                            applicant=me, dossier_id=draft.pk, component=component["code"], upload=upload
                        )
                    elif (reuse := request.POST.get(f"reuse_{component['code']}", "")).isdigit():
                        attachments.attachment_reuse(
                            applicant=me, dossier_id=draft.pk, component=component["code"], document_id=int(reuse)
                        )
                if submitting:
                    move = svc.dossier_submit(applicant=me, dossier_id=draft.pk)
                    messages.success(
                        request,
                        _("Your dossier %(code)s is submitted. Keep the receipt.") % {"code": move.dossier.code},
                    )
                    return redirect("procedures:my-dossier", pk=draft.pk)
                messages.success(request, _("The draft is saved."))
                return redirect(f"{reverse('procedures:apply', args=[code])}?ho-so={draft.pk}")
            except FormInvalid as exc:
                errors += exc.field_errors
            except DomainError as exc:
                errors.append(FieldError((), exc.message, exc.code))
    others = form_errors_show(form, errors) if errors else []
    attached = {a.component: a for a in draft.attachments.all()} if draft else {}
    context = {
        "procedure": procedure,
        "form": form,
        "agencies": agencies,
        "draft": draft,
        "chosen_agency": request.POST.get("agency") or (draft.receiving_agency.code if draft else ""),
        "agency_error": next((e.msg for e in others if e.loc == ("receiving_agency",)), ""),
        "components": [
            {
                **c,
                "attached": attached.get(c["code"]),
                "error": next((e.msg for e in others if e.loc == ("components", c["code"])), ""),
            }
            for c in procedure.components
        ],
        "summary": _summary(form, errors),
        "stored": list(documents_of(owner=me)[:50]),
    }
    return render(request, "procedures/apply.html", context, status=400 if errors else 200)


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The applicant's dossiers, and apart from them the drafts (named, to continue or delete)."""
    mine = Dossier.objects.filter(applicant=_me(request)).select_related("procedure", "receiving_agency")
    context = {
        "dossiers": mine.exclude(status=Status.DRAFT)[:200],
        "drafts": mine.filter(status=Status.DRAFT).order_by("-created_at", "-pk")[:50],
    }
    return render(request, "procedures/my_dossiers.html", context)


@login_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
    events = dossier.events.select_related("agency", "actor")
    names = {c["code"]: c["name"] for c in dossier.procedure.components}
    context = {
        "dossier": dossier,
        "events": events,
        "attachments": [(names.get(a.component, a.component), a) for a in dossier.attachments.all()],
        "supplement_note": next((e.note for e in reversed(list(events)) if e.action == "request_supplement"), ""),
        "components": dossier.procedure.components,
        "notice_url": "procedures:my-notice",
        "notice_actions": list(NOTICES),
        "paid": dossier.payments.filter(state=Payment.State.PAID).first(),
        "result": DossierResult.objects.filter(dossier=dossier).first(),
        "withdrawable": dossier.status in TRANSITIONS["withdraw"][0],
    }
    return render(request, "procedures/my_dossier.html", context)


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("procedures:my-dossier", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing is irreversible: a page of its own asks for the reason (recorded on the timeline) and for a
    second, deliberate press; nothing happens on GET."""
    dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
    if dossier.status not in TRANSITIONS["withdraw"][0]:
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("procedures:my-dossier", pk=pk)
    error = ""
    if request.method == "POST":
        try:
            svc.dossier_withdraw(applicant=_me(request), dossier_id=pk, reason=request.POST.get("reason", ""))
        except FormInvalid as exc:
            error = exc.field_errors[0].msg
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("procedures:my-dossier", pk=pk)
        else:
            messages.success(request, _("The dossier is withdrawn."))
            return redirect("procedures:my-dossier", pk=pk)
    context = {"dossier": dossier, "error": error, "reason": request.POST.get("reason", "")}
    return render(request, "procedures/withdraw.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft, after a confirmation page (a POST with the form key; nothing happens on GET)."""
    dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
    if dossier.status != Status.DRAFT:
        return redirect("procedures:my-dossier", pk=pk)
    if request.method == "POST":
        try:
            name = svc.dossier_draft_delete(applicant=_me(request), dossier_id=pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deleted: %(name)s.") % {"name": name})
        return redirect("procedures:my-dossiers")
    return render(request, "procedures/draft_delete.html", {"dossier": dossier})


@login_required
@require_POST
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
        for component in dossier.procedure.components:
            upload = request.FILES.get(f"file_{component['code']}")
            if upload is not None:
                attachments.attachment_add(
                    applicant=_me(request), dossier_id=pk, component=component["code"], upload=upload
                )
        svc.dossier_supplement(applicant=_me(request), dossier_id=pk)
        messages.success(request, _("Thank you: the completed dossier is sent back to the one-stop shop."))

    return _act(request, pk, run)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        value = request.POST.get("rating", "")
        svc.dossier_rate(
            applicant=_me(request),
            dossier_id=pk,
            rating=int(value) if value.isdigit() else 0,
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Thank you for your rating."))

    return _act(request, pk, run)


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return receipt_response(request, dossier_for_applicant(user=_me(request), dossier_id=pk))


@login_required
def notice(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    return notice_response(dossier_for_applicant(user=_me(request), dossier_id=pk), event_id)


urlpatterns: list[URLPattern] = [
    path("dich-vu-cong/<str:code>/nop-ho-so/", apply, name="apply"),
    path("ho-so-cua-toi/", my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<int:pk>/", my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<int:pk>/giay-tiep-nhan.pdf", receipt, name="my-receipt"),
    path("ho-so-cua-toi/<int:pk>/phieu/<int:event_id>.pdf", notice, name="my-notice"),
    path("ho-so-cua-toi/<int:pk>/rut/", withdraw, name="withdraw"),
    path("ho-so-cua-toi/<int:pk>/xoa/", draft_delete, name="draft-delete"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", supplement, name="supplement"),
    path("ho-so-cua-toi/<int:pk>/danh-gia/", rate, name="rate"),
]
