"""The signed result: the applicant's download, the public verification page (by code, or by checking an
uploaded PDF's signature and integrity), the citizen's document store and what agencies see of it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.identity.services import personal_data_view_record
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.procedures.models import StoredDocument
from smartgov.procedures.results import CertificateHolder, result_response, upload_verify
from smartgov.procedures.selectors import (
    document_of,
    documents_of,
    dossier_for_applicant,
    result_by_code,
    shares_for_staff,
)
from smartgov.procedures.services import store


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _inline(file: FieldFile, content_type: str, name: str = "") -> FileResponse:
    """A stored file shown in the browser (not downloaded), under ``name`` when given."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"' if name else "inline"
    return response


@login_required
def my_result(request: HttpRequest, pk: int) -> HttpResponseBase:
    return result_response(dossier_for_applicant(user=_me(request), dossier_id=pk))


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a result: by the code printed on it, or by uploading the PDF (signature and integrity). The
    signer is shown as people know it: the agency, and the certificate's holder in words (not its raw fields)."""
    code = request.GET.get("ma", "").strip()[:20]
    context: dict[str, object] = {"code": code}
    status = 200
    if code:
        found = context["found"] = result_by_code(code)
        if found is None:
            context["not_found"] = True
            status = 404
        else:
            context["found_holder"] = CertificateHolder.from_subject(found.signer)
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            context["error"] = _("Choose the PDF file to check.")
            status = 400
        else:
            try:
                check, context["matches"] = upload_verify(upload)
                context["check"], context["check_holder"] = check, check.holder
            except DomainError as exc:
                context["error"] = exc.message
                status = exc.status
    return render(request, "procedures/verify.html", context, status=status)


@login_required
def document_store(request: HttpRequest) -> HttpResponse:
    context = {
        "documents": documents_of(owner=_me(request)),
        "agencies": Agency.objects.filter(is_active=True).order_by("name"),
    }
    return render(request, "procedures/document_store.html", context)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = document_of(owner=_me(request), document_id=pk)
    return _inline(document.file, document.content_type)


@login_required
@require_POST
def document_share(request: HttpRequest, pk: int) -> HttpResponse:
    agency = Agency.objects.filter(code=request.POST.get("agency", "")).first()
    days = request.POST.get("days", "")
    try:
        if agency is None:
            raise DomainError(_("Choose the agency to share with."))
        store.document_share(
            owner=_me(request),
            document_id=pk,
            agency=agency,
            purpose=request.POST.get("purpose", ""),
            days=int(days) if days.isdigit() else 0,
        )
        messages.success(request, _("The document is shared."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("procedures:document-store")


@login_required
@require_POST
def document_unshare(request: HttpRequest, share_id: int) -> HttpResponse:
    store.document_share_revoke(owner=_me(request), share_id=share_id)
    messages.success(request, _("The agency can no longer see the document."))
    return redirect("procedures:document-store")


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    store.document_remove(owner=_me(request), document_id=pk)
    messages.success(request, _("The document is removed from your store."))
    return redirect("procedures:document-store")


@login_required
def shared_documents(request: HttpRequest) -> HttpResponse:
    """Officers: the documents citizens share with their agencies now."""
    return render(request, "procedures/shared_documents.html", {"shares": shares_for_staff(user=_me(request))[:200]})


@login_required
def shared_document(request: HttpRequest, share_id: int) -> HttpResponseBase:
    share = shares_for_staff(user=_me(request)).filter(pk=share_id).first()
    if share is None:
        raise NotFound(_("No such shared document."))
    document: StoredDocument = share.document
    personal_data_view_record(
        request=request, subject=document.owner, place="procedures.shared_document", reason=share.purpose
    )
    return _inline(document.file, document.content_type)


urlpatterns: list[URLPattern] = [
    path("ho-so-cua-toi/<int:pk>/ket-qua.pdf", my_result, name="my-result"),
    path("xac-thuc-ket-qua/", verify, name="verify"),
    path("tai-khoan/kho-du-lieu/", document_store, name="document-store"),
    path("tai-khoan/kho-du-lieu/<int:pk>/tep/", document_download, name="document-download"),
    path("tai-khoan/kho-du-lieu/<int:pk>/chia-se/", document_share, name="document-share"),
    path("tai-khoan/kho-du-lieu/<int:pk>/xoa/", document_remove, name="document-remove"),
    path("tai-khoan/kho-du-lieu/chia-se/<int:share_id>/thu-hoi/", document_unshare, name="document-unshare"),
    path("mot-cua/tai-lieu-duoc-chia-se/", shared_documents, name="shared-documents"),
    path("mot-cua/tai-lieu-duoc-chia-se/<int:share_id>/", shared_document, name="shared-document"),
]
