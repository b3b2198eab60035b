"""Fees from the procedure's schedule: fixed, per copy, tiered by pages with a cap, by case."""

import pytest

from smartgov.platform.errors import DomainError
from smartgov.procedures.domain.fees import fee_for, schedule_check
from smartgov.procedures.models import Procedure
from smartgov.procedures.tests.factories import submitted

CERTIFIED_COPY = {"per": "so_ban", "pages": "so_trang", "tiers": [[2, 2000], [None, 1000]], "unit_max": 200000}


@pytest.mark.parametrize(
    ("fee", "schedule", "form", "expected"),
    [
        (10000, {}, {}, 10000),  # a signature certified: 10,000 đồng a case
        (0, {"per": "so_ban", "unit": 8000}, {"so_ban": 3}, 24000),  # three extract copies
        (0, {"per": "so_ban", "unit": 8000}, {}, 0),
        (0, CERTIFIED_COPY, {"so_trang": 1, "so_ban": 1}, 2000),
        (0, CERTIFIED_COPY, {"so_trang": 5, "so_ban": 2}, 2 * (2 * 2000 + 3 * 1000)),  # 14,000
        (0, CERTIFIED_COPY, {"so_trang": 400, "so_ban": 1}, 200000),  # the cap per copy
        (75000, {"cases": [{"field": "loai", "equals": "gia_han", "amount": 15000}]}, {"loai": "gia_han"}, 15000),
        (75000, {"cases": [{"field": "loai", "equals": "gia_han", "amount": 15000}]}, {"loai": "cap_moi"}, 75000),
    ],
)
def test_fee_for(fee, schedule, form, expected):
    assert fee_for(fee_vnd=fee, schedule=schedule, form_data=form) == expected


def test_a_schedule_the_calculator_does_not_know_is_refused():
    with pytest.raises(DomainError):
        schedule_check({"per_page": 1000})
    with pytest.raises(DomainError):
        schedule_check({"per": "so_ban", "tiers": [["x", 1000]]})
    schedule_check(CERTIFIED_COPY)


@pytest.mark.django_db
def test_the_fee_is_fixed_at_submission(hp):
    procedure = Procedure.objects.get(code="2.000815")
    form = {"noi_dung": "Bằng tốt nghiệp đại học", "so_trang": 3, "so_ban": 2}
    dossier = submitted(hp, code="2.000815", form=form)
    assert dossier.fee_vnd == 2 * (2 * 2000 + 1000) == 10000
    procedure.fee_schedule = {}
    procedure.save()  # a later change of the schedule does not touch a submitted dossier
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 10000
    from smartgov.procedures.tests.factories import BIRTH

    assert submitted(hp, applicant=hp.binh).fee_vnd == 0  # registering a birth is free
    assert submitted(hp, applicant=hp.binh, form={**BIRTH, "so_ban": 2}).fee_vnd == 16000  # two extract copies
