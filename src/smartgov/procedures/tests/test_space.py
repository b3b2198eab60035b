"""The procedures' lines in the person's space: what is in progress, waiting for them, to pay, in their store."""

import pytest

pytestmark = pytest.mark.django_db


def test_counts_are_the_applicants_own(hp):
    from smartgov.procedures.domain.status import Status
    from smartgov.procedures.selectors import applicant_counts
    from smartgov.procedures.space import SECTIONS
    from smartgov.procedures.tests.factories import DossierFactory

    me = hp.mai
    for status in (Status.PROCESSING, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.DRAFT):
        DossierFactory(applicant=me, receiving_agency=hp.ward, status=status)
    DossierFactory(applicant=hp.mai, receiving_agency=hp.ward, status=Status.FINANCIAL_OBLIGATION)
    DossierFactory(applicant=hp.officer, receiving_agency=hp.ward)  # not hers
    counts = applicant_counts(user=me)
    assert counts == {"drafts": 1, "open": 3, "supplement": 1, "to_pay": 1, "paid": 0, "documents": 0}
    lines = {section.url_name: section.summary(me) for section in SECTIONS}
    assert lines["procedures:my-dossiers"] == "3 đang giải quyết · 1 cần bổ sung · 1 bản nháp"
    assert lines["procedures:my-payments"] == "1 khoản phí cần nộp"
    assert lines["procedures:document-store"] == "Chưa có giấy tờ nào"
