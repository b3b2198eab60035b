"""Dossiers through their life: codes, appointments on the working-day calendar, every move with its rules,
its audit row, its process-control line and its event; illegal moves refused with nothing changed."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartgov.platform.errors import Conflict, DomainError, Forbidden, NotFound
from smartgov.platform.models import AuditEntry, OutboxEvent
from smartgov.procedures.domain.status import Status
from smartgov.procedures.forms import FormInvalid
from smartgov.procedures.models import Dossier, DossierEvent, Procedure
from smartgov.procedures.services import attachments, deadlines
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import BIRTH, PDF, pdf, submitted  # noqa: F401 - notifications tests import them from here

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_submission_gets_a_code_an_appointment_and_a_trace(hp):
    dossier = submitted(hp)
    today = dossier.submitted_at.astimezone(HCM).strftime("%y%m%d")
    assert dossier.code == f"000.21.07.H31-{today}-0001"
    assert dossier.status == Status.SUBMITTED and dossier.due_at is not None
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status) == ("submit", 0, 1)
    assert AuditEntry.objects.filter(action="procedures.dossier.submit", object_id=str(dossier.pk)).exists()
    assert OutboxEvent.objects.filter(topic="procedures.dossier.submit").exists()
    second = submitted(hp, applicant=hp.binh)
    assert second.code == f"000.21.07.H31-{today}-0002"
    elsewhere = submitted(hp, agency=hp.other_ward)  # received regardless of administrative boundary
    assert elsewhere.code == f"000.21.08.H31-{today}-0001"


def test_the_whole_way_through_two_agencies_and_a_leader(hp):
    dossier = submitted(
        hp,
        code="1.014199",
        agency=hp.centre,
        form={
            "ho_ten_nguoi_lao_dong": "John Smith",
            "quoc_tich": "Anh",
            "so_ho_chieu": "GB1234567",
            "vi_tri_cong_viec": "Chuyên gia cảng biển",
        },
    )
    d = svc.dossier_accept(officer=hp.centre_officer, dossier_id=dossier.pk).dossier
    assert d.status == Status.ACCEPTED
    handed = svc.dossier_transfer(officer=hp.centre_officer, dossier_id=d.pk, to_agency=hp.home_affairs)
    d = handed.dossier
    assert d.status == Status.PROCESSING and d.current_agency == hp.home_affairs
    # the department's step has its share (60 %) of the time left: its own due time, before the appointment
    assert handed.event.step_due_at is not None and handed.event.step_due_at < d.due_at
    with pytest.raises(Forbidden):  # the centre no longer holds it
        svc.dossier_approve(leader=hp.centre_officer, dossier_id=d.pk)
    d = svc.dossier_assign(officer=hp.dept_leader, dossier_id=d.pk, specialist=hp.dept_specialist).dossier
    assert d.assignee == hp.dept_specialist
    d = svc.dossier_request_supplement(officer=hp.dept_specialist, dossier_id=d.pk, reason="Thiếu bản dịch").dossier
    assert d.status == Status.SUPPLEMENT_REQUESTED
    with pytest.raises(Conflict):
        svc.dossier_request_supplement(officer=hp.dept_specialist, dossier_id=d.pk, reason="Lần nữa")
    d = svc.dossier_supplement(applicant=hp.mai, dossier_id=d.pk).dossier
    assert d.status == Status.SUBMITTED
    assert d.current_agency == hp.centre  # the one-stop shop checks the completed dossier again
    with pytest.raises(Conflict, match="đã được yêu cầu bổ sung một lần"):  # once per dossier, whatever its status
        svc.dossier_request_supplement(officer=hp.centre_officer, dossier_id=d.pk, reason="Lần nữa")
    d = svc.dossier_accept(officer=hp.centre_officer, dossier_id=d.pk).dossier
    d = svc.dossier_transfer(officer=hp.centre_officer, dossier_id=d.pk, to_agency=hp.home_affairs).dossier
    d = svc.dossier_approve(leader=hp.dept_leader, dossier_id=d.pk, note="Đồng ý cấp").dossier
    assert d.status == Status.FINISHED and d.finished_at is not None
    d = svc.dossier_return_result(officer=hp.centre_officer, dossier_id=d.pk).dossier
    assert d.status == Status.RETURNED
    rated = svc.dossier_rate(applicant=hp.mai, dossier_id=d.pk, rating=5, comment="Nhanh")
    assert rated.rating == 5
    with pytest.raises(Conflict):
        svc.dossier_rate(applicant=hp.mai, dossier_id=d.pk, rating=1)
    actions = list(DossierEvent.objects.filter(dossier=d).values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "transfer",
        "assign",
        "request_supplement",
        "supplement",
        "accept",
        "transfer",
        "approve",
        "return_result",
    ]


def test_illegal_moves_are_refused_and_change_nothing(hp):
    dossier = submitted(hp)
    before = (Dossier.objects.get(pk=dossier.pk).version, DossierEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict, match="Mới nộp"):
        svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk)
    with pytest.raises(Conflict):
        svc.dossier_return_result(officer=hp.officer, dossier_id=dossier.pk)
    with pytest.raises(Forbidden):  # another ward's officer
        svc.dossier_accept(officer=hp.other_officer, dossier_id=dossier.pk)
    with pytest.raises(NotFound):  # another person's dossier is not found
        svc.dossier_withdraw(applicant=hp.binh, dossier_id=dossier.pk, reason="Nộp nhầm")
    with pytest.raises(DomainError):
        svc.dossier_refuse(officer=hp.officer, dossier_id=dossier.pk, reason="  ")
    with pytest.raises(Conflict, match="Người khác vừa thay đổi"):
        svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk, version=dossier.version - 1)
    after = (Dossier.objects.get(pk=dossier.pk).version, DossierEvent.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_bad_form_and_missing_documents_are_explained(hp):
    procedure = Procedure.objects.get(code="1.001193")
    draft = svc.dossier_draft_save(
        applicant=hp.mai, procedure=procedure, receiving_agency=hp.ward, form_data={**BIRTH, "gioi_tinh": "X"}
    )
    with pytest.raises(FormInvalid) as error:
        svc.dossier_submit(applicant=hp.mai, dossier_id=draft.pk)
    assert set(error.value.fields) == {"form_data.gioi_tinh", "components.giay_chung_sinh", "components.to_khai"}
    svc.dossier_draft_save(
        applicant=hp.mai, procedure=procedure, receiving_agency=hp.ward, form_data=BIRTH, dossier_id=draft.pk
    )
    with pytest.raises(FormInvalid) as error:
        svc.dossier_submit(applicant=hp.mai, dossier_id=draft.pk)
    assert error.value.fields["components.giay_chung_sinh"].startswith("Hãy đính kèm Giấy chứng sinh")
    assert Dossier.objects.get(pk=draft.pk).code is None


def test_uploads_are_checked_by_content_and_size(hp, settings):
    procedure = Procedure.objects.get(code="1.001193")
    draft = svc.dossier_draft_save(applicant=hp.mai, procedure=procedure, receiving_agency=hp.ward, form_data=BIRTH)
    disguised = SimpleUploadedFile("giay-chung-sinh.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf")
    with pytest.raises(DomainError, match="PDF, JPEG"):
        attachments.attachment_add(applicant=hp.mai, dossier_id=draft.pk, component="giay_chung_sinh", upload=disguised)
    settings.SMARTGOV_UPLOAD_MAX_BYTES = 20
    with pytest.raises(DomainError):
        attachments.attachment_add(applicant=hp.mai, dossier_id=draft.pk, component="giay_chung_sinh", upload=pdf())
    assert not draft.attachments.exists()
    settings.SMARTGOV_UPLOAD_MAX_BYTES = 10_000
    picture = io.BytesIO()
    Image.new("RGB", (8, 8)).save(picture, format="PNG")
    png = SimpleUploadedFile("anh.png", picture.getvalue(), "image/png")
    saved = attachments.attachment_add(applicant=hp.mai, dossier_id=draft.pk, component="giay_chung_sinh", upload=png)
    assert saved.content_type == "image/png" and len(saved.sha256) == 64


@pytest.mark.parametrize(
    ("submitted_at", "expected_due"),
    [
        # 3 working days from Friday 13/2/2026; Tết is Mon 16 – Fri 20/2, then a weekend: due Wed 25/2
        (datetime(2026, 2, 13, 10, 0, tzinfo=HCM), datetime(2026, 2, 25, 17, 0, tzinfo=HCM)),
        # from Wednesday 29/4/2026: 30/4 and 1/5 off, then the weekend: Mon 4, Tue 5, Wed 6/5
        (datetime(2026, 4, 29, 10, 0, tzinfo=HCM), datetime(2026, 5, 6, 17, 0, tzinfo=HCM)),
        # the same day after 15:00 counts from the next working day, Monday 4/5: due Thu 7/5
        (datetime(2026, 4, 29, 16, 0, tzinfo=HCM), datetime(2026, 5, 7, 17, 0, tzinfo=HCM)),
    ],
)
def test_appointments_skip_tet_and_the_april_may_holidays(hp, submitted_at, expected_due):
    procedure = Procedure.objects.get(code="1.004873")  # 3 working days
    assert deadlines.due_from(procedure, submitted_at) == expected_due


def test_apology_with_a_new_appointment_only_before_the_due_date(hp):
    from datetime import timedelta

    from django.utils import timezone

    dossier = submitted(hp, code="1.004873", form={"noi_dung": "Xác nhận để đăng ký kết hôn"})
    dossier = svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk).dossier
    later = dossier.due_at + timedelta(days=3)
    moved = svc.dossier_apologise(officer=hp.officer, dossier_id=dossier.pk, reason="Chờ xác minh", new_due_at=later)
    assert moved.dossier.due_at == later and moved.dossier.apologised_at is not None
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(Conflict, match="trước hạn trả"):
        svc.dossier_apologise(officer=hp.officer, dossier_id=dossier.pk, reason="Trễ", new_due_at=later)


def test_public_lookup_needs_the_second_factor(hp):
    from smartgov.procedures.selectors import dossier_public_lookup

    dossier = submitted(hp)
    assert dossier_public_lookup(code=dossier.code, secret="0912345678") == dossier
    assert dossier_public_lookup(code=dossier.code.lower(), secret="031 195 001 234") == dossier
    for secret in ("", "0987654321", "030088004321"):
        with pytest.raises(NotFound):
            dossier_public_lookup(code=dossier.code, secret=secret)
    assert re.fullmatch(r"000\.21\.07\.H31-\d{6}-0001", dossier.code)


def test_officers_see_late_and_nearly_late_dossiers_flagged(hp):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    soon = svc.dossier_accept(officer=hp.officer, dossier_id=submitted(hp).pk).dossier
    late = submitted(hp, applicant=hp.binh)
    Dossier.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(hours=5))
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client = Client()
    client.force_login(hp.officer)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=hp.officer, name="app", confirmed=True).persistent_id
    session.save()
    queue = client.get("/mot-cua/").content.decode()
    assert queue.count("sắp đến hạn") == 1 and queue.count("badge-late") == 1
    page = client.get(f"/mot-cua/{soon.pk}/").content.decode()
    assert "đến hạn trong vòng một ngày" in page  # the warning before the due date
    assert "Xin lỗi và hẹn lại" in page  # and the form 04 action right there


def test_written_notices_02_03_04_as_pdf(hp):
    import io

    from django.test import Client
    from pypdf import PdfReader

    asked = submitted(hp)
    event = svc.dossier_request_supplement(
        officer=hp.officer, dossier_id=asked.pk, reason="Giấy chứng sinh bị mờ"
    ).event
    refused = submitted(hp, applicant=hp.mai)
    refusal = svc.dossier_refuse(officer=hp.officer, dossier_id=refused.pk, reason="Không thuộc thẩm quyền").event
    client = Client()
    client.force_login(hp.mai)
    page = client.get(f"/ho-so-cua-toi/{asked.pk}/").content.decode()
    assert f"/ho-so-cua-toi/{asked.pk}/phieu/{event.pk}.pdf" in page
    for dossier, notice, title, text in (
        (asked, event, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Giấy chứng sinh bị mờ"),
        (refused, refusal, "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", "Không thuộc thẩm quyền"),
    ):
        answer = client.get(f"/ho-so-cua-toi/{dossier.pk}/phieu/{notice.pk}.pdf")
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        content = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
        assert title in content and text in content and dossier.code in content
    submit_event = DossierEvent.objects.get(dossier=asked, action="submit")
    assert client.get(f"/ho-so-cua-toi/{asked.pk}/phieu/{submit_event.pk}.pdf").status_code == 404
    other = Client()
    other.force_login(hp.binh)
    assert other.get(f"/ho-so-cua-toi/{asked.pk}/phieu/{event.pk}.pdf").status_code == 404


def test_due_soon_is_flagged_once_per_appointment(hp):
    from datetime import timedelta

    from django.utils import timezone

    from smartgov.procedures.tasks import flag_due_soon

    soon = svc.dossier_accept(officer=hp.officer, dossier_id=submitted(hp).pk).dossier
    far = submitted(hp, applicant=hp.binh)
    Dossier.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(hours=3))
    Dossier.objects.filter(pk=far.pk).update(due_at=timezone.now() + timedelta(days=5))
    assert flag_due_soon.delay().get() == 1  # through Celery (eager here, a worker in production)
    assert flag_due_soon() == 0  # once per appointment
    events = OutboxEvent.objects.filter(topic="procedures.dossier.due_soon")
    assert [e.payload["dossier"] for e in events] == [soon.pk]
    later = timezone.now() + timedelta(hours=20)
    svc.dossier_apologise(officer=hp.officer, dossier_id=soon.pk, reason="Chờ xác minh", new_due_at=later)
    assert Dossier.objects.get(pk=soon.pk).due_soon_flagged_at is None  # the new appointment is watched again
    assert flag_due_soon() == 1


def test_officer_pages_work_without_javascript(hp):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    dossier = submitted(hp)
    client = Client()
    client.force_login(hp.officer)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=hp.officer, name="app", confirmed=True).persistent_id
    session.save()
    page = client.get(f"/mot-cua/{dossier.pk}/").content.decode()
    assert f'data-api="/api/v1/procedures/queue/{dossier.pk}/moves/accept"' in page  # the page's script uses the API
    accepted = client.post(f"/mot-cua/{dossier.pk}/accept/", {"version": dossier.version})
    assert accepted.status_code == 302 and accepted["Location"] == f"/mot-cua/{dossier.pk}/"
    stale = client.post(f"/mot-cua/{dossier.pk}/accept/", {"version": dossier.version}, follow=True)
    assert "Người khác vừa thay đổi" in stale.content.decode()
    handed = client.post(f"/mot-cua/{dossier.pk}/transfer/", {"to_agency": "000.00.02.H31"})
    assert handed["Location"] == "/mot-cua/"
    assert Dossier.objects.get(pk=dossier.pk).current_agency == hp.home_affairs


def test_the_tracking_book_form_06(hp):
    import io

    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from openpyxl import load_workbook

    first, second = submitted(hp), submitted(hp, applicant=hp.binh)
    submitted(hp, agency=hp.other_ward)  # another ward's: not in this officer's book
    client = Client()
    client.force_login(hp.officer)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=hp.officer, name="app", confirmed=True).persistent_id
    session.save()
    today = timezone.localdate().isoformat()
    answer = client.get("/mot-cua/so-theo-doi/", {"tu": today, "den": today})
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ (Mẫu số 06)"
    assert [r[1] for r in rows[2:]] == [first.code, second.code]
    assert rows[2][3] == "Nguyễn Thị Mai" and rows[2][9] == "Mới nộp"


def test_pausing_stops_the_clock_by_working_days(hp, monkeypatch):
    from django.utils import timezone

    dossier = svc.dossier_accept(officer=hp.officer, dossier_id=submitted(hp).pk).dossier
    dossier = svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist).dossier
    Dossier.objects.filter(pk=dossier.pk).update(due_at=datetime(2026, 4, 28, 17, 0, tzinfo=HCM))
    with pytest.raises(Conflict):
        svc.dossier_resume(officer=hp.specialist, dossier_id=dossier.pk)  # not paused
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 4, 23, 10, 0, tzinfo=HCM))  # Thursday
    svc.dossier_pause(officer=hp.specialist, dossier_id=dossier.pk, reason="Chờ Sở Xây dựng trả lời")
    with pytest.raises(Conflict):
        svc.dossier_pause(officer=hp.specialist, dossier_id=dossier.pk, reason="Lần nữa")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 4, 29, 10, 0, tzinfo=HCM))  # next Wednesday
    resumed = svc.dossier_resume(officer=hp.specialist, dossier_id=dossier.pk).dossier
    # paused Fri 24, Tue 28, Wed 29 (26/4 Hùng Kings' day falls on Sunday, Monday 27 is off in its place):
    # three working days from Tue 28/4 → Wed 29, then 30/4, 1/5 and the weekend off → Mon 4, Tue 5/5
    assert resumed.due_at == datetime(2026, 5, 5, 17, 0, tzinfo=HCM)
    assert resumed.paused_at is None
    assert DossierEvent.objects.filter(dossier=dossier, action="resume").get().note.endswith("3 ngày làm việc.")
