"""Slips of the Vietnamese catalogue found in review, held by tests: a date field labelled "Thứ" (weekday) where
"Day" means a calendar date; "Hồ sơ" (a dossier, in this platform) for a person's profile; "recovery codes"
called two names on one page; the dashboard's indicators under the same names as its charts."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db


def test_the_reconciliation_day_is_a_date_not_a_weekday(hp):
    page = staff_client(hp.leader).get(reverse("procedures:reconciliation"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="ngay">Ngày</label>' in html and ">Thứ<" not in html


def test_slips_found_in_review_stay_fixed():
    with translation.override("vi"):
        assert gettext("Day") == "Ngày"
        assert "hồ sơ" not in gettext("Your profile").lower()  # a dossier, to every user of this platform
        assert "hồ sơ" not in gettext("Your profile is saved.").lower()
        assert "dự phòng" in gettext("Your recovery codes") and "dự phòng" in ngettext(
            "%(counter)s recovery code left.", "%(counter)s recovery codes left.", 2
        )
        assert gettext("This form is being sent").startswith("Biểu mẫu")  # as every other message on forms
        assert gettext("Withdrawn by the applicant") == "Người nộp đã rút hồ sơ"  # a business withdraws too
        assert gettext("Do not trust this file") == "Không nên tin cậy tệp này"
        for chart in ("Satisfaction (%)", "Components reused (%)", "Results digitised (%)", "Average rating (1–5)"):
            assert gettext(chart) != chart and ("(%)" in gettext(chart) or "(1–5)" in gettext(chart))
