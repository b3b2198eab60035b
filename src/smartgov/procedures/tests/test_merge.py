"""Procedures' part of a merge of localities (docs/merge.md): Hai Duong's dossiers, with their events, attachments,
payments, results and the applicants' stored documents, arrive in Hai Phong's installation whole, pointed at the
rows there (the same citizen, the same catalogue), and a second import adds nothing."""

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartgov.platform.merge import archive_open, merge_export, merge_import
from smartgov.platform.models import Agency
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.models import (
    Attachment,
    Dossier,
    DossierEvent,
    DossierResult,
    DossierSequence,
    Payment,
    Procedure,
    StoredDocument,
)
from smartgov.procedures.services.catalog import catalog_import
from smartgov.procedures.tests.fixtures import CATALOG

User = get_user_model()
MAI = "030195001234"
BIRTH = "1.001193"  # a procedure of the demo catalogue, in both localities'


def _dossier(code, procedure, applicant, agency, status=9):
    now = timezone.now()
    dossier = Dossier.objects.create(
        code=code,
        procedure=procedure,
        applicant=applicant,
        applicant_name=applicant.full_name,
        applicant_phone="0912345678",
        receiving_agency=agency,
        current_agency=agency,
        status=status,
        form_data={"child": "Nguyễn Văn Bé", "born": "2025-06-20"},
        created_at=now - timedelta(days=3),
        submitted_at=now - timedelta(days=3) if code else None,
    )
    DossierEvent.objects.create(
        dossier=dossier, at=now - timedelta(days=3), action="submit", from_status=0, to_status=1
    )
    DossierEvent.objects.create(
        dossier=dossier, at=now, action="finish", from_status=1, to_status=status, agency=agency
    )
    return dossier


def _hai_duong():
    ward, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.21.07.H30", name="UBND phường Cẩm Thượng", kind="commune_committee")
    )
    mai = User.objects.create_user(username=MAI, kind="citizen", personal_id=MAI, full_name="Nguyễn Thị Mai")
    birth = Procedure.objects.get(code=BIRTH)
    done = _dossier("000.21.07.H30-250630-0001", birth, mai, ward)
    _dossier(None, birth, mai, ward, status=0)  # a draft: no code, still Mai's
    DossierSequence.objects.create(agency=ward, day=date(2025, 6, 30), last=1)
    stored = StoredDocument.objects.create(
        owner=mai, kind="upload", title="CCCD", file="documents/cccd.pdf", content_type="application/pdf", size=10,
        sha256="a" * 64, source_dossier=done, created_at=timezone.now(),
    )  # fmt: skip
    Attachment.objects.create(
        dossier=done, component="tk", file="attachments/tk.pdf", original_name="tờ khai.pdf",
        content_type="application/pdf", size=10, sha256="b" * 64, uploaded_at=timezone.now(), reused_from=stored,
    )  # fmt: skip
    Payment.objects.create(
        reference="HD0001", dossier=done, payer=mai, gateway="vnpay", amount_vnd=8000, state="paid",
        created_at=timezone.now(), paid_at=timezone.now(), paid_amount_vnd=8000, transaction_no="T1",
    )  # fmt: skip
    DossierResult.objects.create(
        dossier=done, code="HD-RESULT-1", file="results/r.pdf", sha256="c" * 64, size=10, signed_at=timezone.now(),
        signer="UBND phường Cẩm Thượng", certificate_serial="01",
    )  # fmt: skip


def _wipe():
    for model in (DossierResult, Payment, Attachment, StoredDocument, DossierEvent, Dossier, DossierSequence):
        model.objects.all().delete()
    User.objects.all().delete()
    Agency.objects.filter(code__endswith=".H30").delete()


@pytest.fixture
def catalogue(small_units):
    """The same catalogue in both installations, with the service centre it names."""
    agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.16.H31", name="Trung tâm Phục vụ hành chính công", kind="service_centre"),
    )
    catalog_import(data=json.loads(CATALOG.read_text(encoding="utf-8")), actor=None)


@pytest.mark.django_db
def test_dossiers_arrive_whole_and_pointed_at_the_rows_here(catalogue, tmp_path):
    _hai_duong()
    merge_export(out=tmp_path / "hd", locality="30")
    _wipe()
    # Hai Phong: Mai moved there and has a dossier of her own; the same catalogue.
    hp_ward, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.21.07.H31", name="UBND phường Thành Đông", kind="commune_committee")
    )
    mai = User.objects.create_user(username=MAI, kind="citizen", personal_id=MAI, full_name="Nguyễn Thị Mai")
    _dossier("000.21.07.H31-260101-0001", Procedure.objects.get(code=BIRTH), mai, hp_ward)
    procedures = Procedure.objects.count()

    report = merge_import(archive=archive_open(tmp_path / "hd"))
    assert report.total().conflicts == 0
    assert report.models["procedures.procedure"].matched == procedures
    assert report.models["procedures.dossier"].created == 2
    assert report.models["procedures.dossierevent"].created == 4

    assert Procedure.objects.count() == procedures
    assert User.objects.filter(personal_id=MAI).count() == 1
    assert set(mai.dossiers.values_list("code", flat=True)) == {
        "000.21.07.H31-260101-0001",
        "000.21.07.H30-250630-0001",
        None,
    }
    done = Dossier.objects.get(code="000.21.07.H30-250630-0001")
    assert done.receiving_agency.code == "000.21.07.H30"
    assert done.form_data == {"child": "Nguyễn Văn Bé", "born": "2025-06-20"}
    assert list(done.events.values_list("action", "agency__code")) == [("submit", None), ("finish", "000.21.07.H30")]
    attachment = done.attachments.get()
    assert attachment.reused_from.owner == mai and attachment.reused_from.source_dossier == done
    assert done.payments.get().payer == mai and done.result.code == "HD-RESULT-1"
    assert DossierSequence.objects.get(agency=done.receiving_agency).last == 1

    again = merge_import(archive=archive_open(tmp_path / "hd"))
    assert again.total().created == 0 and again.total().already == report.total().created + report.total().matched
    assert Dossier.objects.count() == 3 and DossierEvent.objects.count() == 6


@pytest.mark.django_db
def test_a_procedure_that_differs_here_is_a_conflict(catalogue, tmp_path):
    _hai_duong()
    merge_export(out=tmp_path / "hd", locality="30")
    _wipe()
    Procedure.objects.filter(code=BIRTH).update(name="Đăng ký khai sinh (Hải Phòng)")
    report = merge_import(archive=archive_open(tmp_path / "hd"), dry_run=True)
    (conflict,) = report.conflicts
    assert conflict.model == "procedures.procedure"
    assert conflict.differences["name"][0] == "Đăng ký khai sinh (Hải Phòng)"
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_records_both_installations_hold_are_matched_not_doubled(catalogue, tmp_path):
    """A dossier both hold (here: every row, imported into the installation it came from) brings nothing new: its
    events, attachments, payments and documents are matched by their own natural keys."""
    _hai_duong()
    merge_export(out=tmp_path / "hd", locality="30")
    counts = [m.objects.count() for m in (Dossier, DossierEvent, Attachment, StoredDocument, Payment, DossierResult)]
    report = merge_import(archive=archive_open(tmp_path / "hd"))
    assert report.total().created == report.total().conflicts == 0
    assert report.models["procedures.dossier"].matched == 2  # by its code, and the draft by applicant and time
    assert [m.objects.count() for m in (Dossier, DossierEvent, Attachment, StoredDocument, Payment, DossierResult)] == (
        counts
    )
