"""A workflow step's due time on the process-control form (form 05) is its share of the office time left, so it
always falls inside office hours on a working day, never after the appointment (issue 14: a step due 02:01)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from smartgov.platform.selectors.calendar import is_working_day, working_hours_between
from smartgov.procedures.models import Dossier
from smartgov.procedures.services import deadlines
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import submitted

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WORK_PERMIT = {
    "ho_ten_nguoi_lao_dong": "John Smith",
    "quoc_tich": "Anh",
    "so_ho_chieu": "GB1234567",
    "vi_tri_cong_viec": "Chuyên gia cảng biển",
}


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HCM)


def in_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(HCM)
    t = local.time()
    return is_working_day(local.date()) and (time(7, 30) <= t <= time(11, 30) or time(13, 0) <= t <= time(17, 0))


def test_office_hours_between_skip_lunch_nights_and_days_off(hp):
    assert working_hours_between(at(2026, 3, 10, 10, 30), at(2026, 3, 10, 14, 0)) == 2.0  # lunch skipped
    assert working_hours_between(at(2026, 3, 13, 16, 30), at(2026, 3, 17, 17, 0)) == 16.5  # Fri → Tue
    assert working_hours_between(at(2026, 2, 13, 9), at(2026, 2, 23, 9)) == 8.0  # 6.5 + 1.5: Tết 14–22/02 off
    assert working_hours_between(at(2026, 3, 10, 18), at(2026, 3, 10, 20)) == 0.0
    assert working_hours_between(at(2026, 3, 10, 14), at(2026, 3, 10, 10)) == 0.0


def test_a_step_handed_over_late_on_a_friday_is_due_in_office_hours(hp):
    dossier = submitted(hp, code="1.014199", agency=hp.centre, form=WORK_PERMIT)
    dossier.due_at = at(2026, 3, 17, 17, 0)  # Tuesday
    dossier.step = 1  # the department's step: 60 % of the time left
    # Friday 16:30: 16.5 office hours left (0.5 + 8 + 8); 60 % is 9.9 h → Tuesday 08:54, not Monday 02:24
    assert deadlines.step_due(dossier, now=at(2026, 3, 13, 16, 30)) == at(2026, 3, 17, 8, 54)
    # a late dossier's step is due at its appointment
    assert deadlines.step_due(dossier, now=at(2026, 3, 18, 9)) == dossier.due_at


def test_every_step_due_falls_in_office_hours_whenever_the_hand_over(hp):
    dossier = submitted(hp, code="1.014199", agency=hp.centre, form=WORK_PERMIT)
    dossier.due_at = at(2026, 2, 25, 17, 0)  # across Tết 2026
    for step in range(len(dossier.procedure.workflow)):
        dossier.step = step
        moment = at(2026, 2, 9, 0, 1)
        while moment < dossier.due_at:
            due = deadlines.step_due(dossier, now=moment)
            assert due is not None and in_office_hours(due), (step, moment, due)
            assert moment < due <= dossier.due_at
            moment += timedelta(minutes=97)


def test_the_hand_over_writes_an_office_hours_step_due_on_form_05(hp, monkeypatch):
    dossier = submitted(hp, code="1.014199", agency=hp.centre, form=WORK_PERMIT)
    svc.dossier_accept(officer=hp.centre_officer, dossier_id=dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=at(2026, 3, 17, 17, 0))
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, 13, 16, 30))  # Friday, after office's last hour
    handed = svc.dossier_transfer(officer=hp.centre_officer, dossier_id=dossier.pk, to_agency=hp.home_affairs)
    assert handed.event.step_due_at is not None
    assert in_office_hours(handed.event.step_due_at), handed.event.step_due_at
    assert handed.event.step_due_at < handed.dossier.due_at
