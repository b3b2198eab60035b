"""Test data of the public services (factory_boy): a sector, a procedure, a dossier in a given status; and a
dossier submitted the way a citizen submits one (through the services), with its form and documents."""

from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from smartgov.procedures.demo import PDF
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier, Procedure, Sector
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc

#: A valid birth-registration form (procedure 1.001193).
BIRTH = {
    "ho_ten_tre": "Nguyễn An Nhiên",
    "ngay_sinh": "2026-11-20",
    "gioi_tinh": "Nữ",
    "noi_sinh": "Bệnh viện Phụ sản Hải Phòng",
    "ho_ten_me": "Nguyễn Thị Mai",
    "quan_he": "Mẹ",
}


def pdf(name: str = "giay-chung-sinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(DjangoModelFactory):
    """A procedure of an agency (pass ``agency``), processed in three working days, free unless told."""

    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = "Đăng ký khai sinh"
    sector = factory.SubFactory(SectorFactory)
    level = "province"
    online_level = "full"
    processing_time = 3
    processing_unit = "working_days"


class DossierFactory(DjangoModelFactory):
    """A dossier of ``applicant`` received by ``receiving_agency`` (both required), in ``status`` (newly submitted
    unless told), with a code and submission time once submitted. Written directly: for reads, pages and
    permission probes; a dossier that must have lived its moves comes from :func:`submitted`."""

    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory, agency=factory.SelfAttribute("..receiving_agency"))
    applicant_name = factory.LazyAttribute(lambda d: d.applicant.full_name or d.applicant.get_username())
    current_agency = factory.SelfAttribute("receiving_agency")
    status = Status.SUBMITTED
    code = factory.LazyAttributeSequence(
        lambda d, n: (
            f"{d.receiving_agency.code}-{timezone.localdate():%y%m%d}-{n + 1:04d}" if d.status != Status.DRAFT else None
        )
    )
    created_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyAttribute(lambda d: d.created_at if d.status != Status.DRAFT else None)


def submitted(
    hp: Any, *, applicant: Any = None, code: str = "1.001193", form: Any = None, agency: Any = None
) -> Dossier:
    """A dossier the citizen (``hp.mai`` unless told) submitted to ``hp.ward`` (unless told) through the services:
    the draft, the required documents, the submission with its code and appointment."""
    applicant = applicant or hp.mai
    procedure = Procedure.objects.get(code=code)
    draft = svc.dossier_draft_save(
        applicant=applicant, procedure=procedure, receiving_agency=agency or hp.ward, form_data=form or BIRTH
    )
    for component in procedure.components:
        if component["required"]:
            attachments.attachment_add(
                applicant=applicant, dossier_id=draft.pk, component=component["code"], upload=pdf()
            )
    return svc.dossier_submit(applicant=applicant, dossier_id=draft.pk).dossier
