"""Fixtures of the public-services tests: Hai Phong's agencies that receive dossiers, their staff with roles,
two citizens, the demo catalog and the working-day calendar."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from smartgov.identity.services import role_grant
from smartgov.platform.services.calendar import calendar_fill
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.services.catalog import catalog_import

CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"


@pytest.fixture
def hp(small_units):
    """The city: a ward's People's Committee, the service centre and a department, with their people."""
    calendar_fill(years=[2025, 2026, 2027])
    ward, _ = agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.21.07.H31",
            name="Ủy ban nhân dân phường Thành Đông",
            kind="commune_committee",
            admin_unit=small_units["thanh_dong"],
        ),
    )
    other_ward, _ = agency_upsert(
        actor=None,
        data=AgencyData(code="000.21.08.H31", name="Ủy ban nhân dân phường Hồng Bàng", kind="commune_committee"),
    )
    centre, _ = agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.16.H31", name="Trung tâm Phục vụ hành chính công", kind="service_centre"),
    )
    home_affairs, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.02.H31", name="Sở Nội vụ", kind="department")
    )
    catalog_import(data=json.loads(CATALOG.read_text(encoding="utf-8")), actor=None)
    users = get_user_model().objects

    def staff(username: str, role: str, agency):
        user = users.create_user(username=username, kind="staff", full_name=username)
        role_grant(actor=None, user=user, role=role, agency=agency)
        return user

    return SimpleNamespace(
        ward=ward,
        other_ward=other_ward,
        centre=centre,
        home_affairs=home_affairs,
        officer=staff("motcua.thanhdong", "one_stop_officer", ward),
        officer2=staff("motcua2.thanhdong", "one_stop_officer", ward),
        specialist=staff("chuyenvien.thanhdong", "specialist", ward),
        leader=staff("lanhdao.thanhdong", "leader", ward),
        other_officer=staff("motcua.hongbang", "one_stop_officer", other_ward),
        centre_officer=staff("canbo.ttpvhcc", "one_stop_officer", centre),
        dept_specialist=staff("chuyenvien.snv", "specialist", home_affairs),
        dept_leader=staff("lanhdao.snv", "leader", home_affairs),
        mai=users.create_user(
            username="031195001234",
            kind="citizen",
            personal_id="031195001234",
            full_name="Nguyễn Thị Mai",
            phone="0912345678",
        ),
        binh=users.create_user(
            username="030088004321",
            kind="citizen",
            personal_id="030088004321",
            full_name="Trần Văn Bình",
            phone="0987654321",
        ),
    )


def staff_client(user):
    """A browser signed in as a civil servant who passed the second factor."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)[0].persistent_id
    session.save()
    return client


@pytest.fixture
def submit_dossier():
    """``submit_dossier(hp, applicant=None, code="1.001193", form=None, agency=None)``: a dossier submitted with its
    required documents, as the service tests make one (for other apps' tests, which never import these)."""
    from smartgov.procedures.tests.factories import submitted

    return submitted


@pytest.fixture
def city(hai_phong, django_user_model, password):
    """Hai Phong for the browser tests: the ward of Thành Đông, the service centre and the Department of Home
    Affairs, the catalog, the calendar; the citizen Mai, the ward's one-stop officer and the department's leader
    (both with an authenticator), all with the tests' password. Accounts by username, the citizen as ``citizen``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from smartgov.platform.models import AdminUnit

    calendar_fill(years=[2026, 2027])
    ward, _ = agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.21.07.H31",
            name="Ủy ban nhân dân phường Thành Đông",
            kind="commune_committee",
            admin_unit=AdminUnit.objects.get(generation="2025", code="10507"),
        ),
    )
    agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.16.H31", name="Trung tâm Phục vụ hành chính công", kind="service_centre"),
    )
    home_affairs, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.02.H31", name="Sở Nội vụ", kind="department")
    )
    catalog_import(data=json.loads(CATALOG.read_text(encoding="utf-8")), actor=None)
    users = django_user_model.objects
    citizen = users.create_user(
        username="031195001234",
        password=password,
        kind="citizen",
        personal_id="031195001234",
        full_name="Nguyễn Thị Mai",
        phone="0912345678",
    )
    staff = {}
    for username, name, role, agency in (
        ("motcua.thanhdong", "Hoàng Văn Nam", "one_stop_officer", ward),
        ("lanhdao.snv", "Phạm Thu Hà", "leader", home_affairs),
    ):
        user = users.create_user(username=username, password=password, kind="staff", full_name=name)
        role_grant(actor=None, user=user, role=role, agency=agency)
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        staff[username] = user
    return {"citizen": citizen, **staff}


@pytest.fixture
def submitted_birth(city):
    """``submitted_birth()``: a birth registration the city's citizen submits to the ward now (through the
    services, as the service tests make one); returns its code. A function, so a test sets up what must be in
    place before the submission first (a portal to synchronise with, a gateway)."""
    from smartgov.platform.models import Agency
    from smartgov.procedures.tests.factories import submitted

    def submit() -> str:
        ward = Agency.objects.get(code="000.21.07.H31")
        return submitted(SimpleNamespace(mai=city["citizen"], ward=ward)).code or ""

    return submit


@pytest.fixture
def dossier_factory():
    """``dossier_factory(**fields)``: a dossier written directly (``DossierFactory``), for other apps' tests."""
    from smartgov.procedures.tests.factories import DossierFactory

    return DossierFactory


@pytest.fixture
def dossiers_over_a_year(hp):
    """``dossiers_over_a_year(year, count=120)``: ``count`` dossiers received in ``year`` by the ward, the other ward
    and the service centre, spread over every month (the same ones for the same arguments): online or at the counter,
    finished on time, late or not yet (some finished or returned in the next month), rated 1–5, with a fee paid online
    or not, documents (some reused from the applicant's store) and signed results; plus a draft. For other apps'
    tests of the service-quality indicators, which never import procedures' factories. Returns the dossiers."""
    import random
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from smartgov.procedures.models import Attachment, Dossier, DossierResult, Procedure, StoredDocument
    from smartgov.procedures.tests.factories import DossierFactory

    def make(year: int, count: int = 120) -> list:
        rng = random.Random(year * 1000 + count)
        tz = ZoneInfo("Asia/Ho_Chi_Minh")
        procedure = Procedure.objects.get(code="1.004873")
        agencies = [hp.ward, hp.other_ward, hp.centre]
        store = StoredDocument.objects.create(
            owner=hp.mai,
            kind="upload",
            title="CCCD",
            file="store/cccd.pdf",
            content_type="application/pdf",
            size=4,
            sha256="0" * 64,
            created_at=datetime(year, 1, 1, tzinfo=tz),
        )
        made, attachments, results = [], [], []
        for n in range(count):
            month, agency = n % 12 + 1, agencies[n // 12 % 3]
            submitted = datetime(year, month, rng.randint(1, 28), rng.randint(7, 16), rng.randint(0, 59), tzinfo=tz)
            due = submitted + timedelta(days=rng.randint(2, 12))
            outcome = rng.random()
            finished = submitted + timedelta(days=rng.randint(1, 20)) if outcome < 0.7 else None
            returned = finished + timedelta(days=rng.randint(0, 5)) if finished and outcome < 0.5 else None
            fee = rng.choice([0, 0, 15_000, 50_000])
            d: Dossier = DossierFactory.create(
                code=f"{agency.code}-{year % 100:02d}{month:02d}01-{n:04d}",
                procedure=procedure,
                applicant=hp.mai if n % 2 else hp.binh,
                receiving_agency=agency,
                status=10 if returned else 9 if finished else rng.choice([1, 2, 4, 5, 6]),
                channel=rng.choice(["online", "online", "counter"]),
                created_at=submitted,
                submitted_at=submitted,
                due_at=due,
                finished_at=finished,
                returned_at=returned,
                rating=rng.randint(1, 5) if returned and rng.random() < 0.8 else None,
                fee_vnd=fee,
                paid_at=submitted + timedelta(hours=2) if fee and rng.random() < 0.6 else None,
            )
            if rng.random() < 0.75:
                attachments.append(
                    Attachment(
                        dossier=d,
                        component="to_khai",
                        file=f"dossiers/{d.pk}/a.pdf",
                        original_name="a.pdf",
                        content_type="application/pdf",
                        size=4,
                        sha256=f"{n:064d}",
                        uploaded_at=submitted,
                        reused_from=store if rng.random() < 0.3 else None,
                    )
                )
            if finished and rng.random() < 0.6:
                results.append(
                    DossierResult(
                        dossier=d,
                        code=f"R{year}{n:06d}",
                        file=f"results/{d.pk}.pdf",
                        sha256=f"{n:064d}",
                        size=4,
                        signed_at=finished,
                        signer="Ủy ban nhân dân",
                        certificate_serial="01",
                    )
                )
            made.append(d)
        Attachment.objects.bulk_create(attachments)
        DossierResult.objects.bulk_create(results)
        DossierFactory(
            procedure=procedure, applicant=hp.mai, receiving_agency=hp.ward, status=0, created_at=made[0].created_at
        )
        return made

    return make
