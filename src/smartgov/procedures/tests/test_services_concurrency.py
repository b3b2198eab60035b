"""Many people at the same moment: 50 parallel submissions get 50 distinct, gap-free daily codes; two officers
acting on one dossier at once: exactly one succeeds, the other is told someone else did it."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from smartgov.platform.errors import Conflict
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier, DossierEvent, Procedure
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import BIRTH, pdf, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the test inspects what each one met
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_parallel_submissions_get_distinct_gap_free_codes(hp):
    procedure = Procedure.objects.get(code="1.001193")
    drafts = []
    for _ in range(50):
        draft = svc.dossier_draft_save(applicant=hp.mai, procedure=procedure, receiving_agency=hp.ward, form_data=BIRTH)
        for component in ("to_khai", "giay_chung_sinh"):
            attachments.attachment_add(applicant=hp.mai, dossier_id=draft.pk, component=component, upload=pdf())
        drafts.append(draft.pk)
    results = _at_once([lambda pk=pk: svc.dossier_submit(applicant=hp.mai, dossier_id=pk) for pk in drafts])
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    codes = sorted(Dossier.objects.filter(pk__in=drafts).values_list("code", flat=True))
    assert len(set(codes)) == 50
    assert [int(code.rsplit("-", 1)[1]) for code in codes] == list(range(1, 51))


def test_two_officers_accepting_at_once_one_wins(hp):
    dossier = submitted(hp)
    results = _at_once(
        [
            lambda: svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk),
            lambda: svc.dossier_accept(officer=hp.officer2, dossier_id=dossier.pk),
        ]
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    assert DossierEvent.objects.filter(dossier=dossier, action="accept").count() == 1


def test_accept_and_refuse_at_once_leave_one_decision(hp):
    dossier = submitted(hp)
    results = _at_once(
        [
            lambda: svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk),
            lambda: svc.dossier_refuse(officer=hp.officer2, dossier_id=dossier.pk, reason="Sai thẩm quyền"),
        ]
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    dossier.refresh_from_db()
    assert dossier.status in (Status.ACCEPTED, Status.NOT_ACCEPTED)
    assert DossierEvent.objects.filter(dossier=dossier).exclude(action="submit").count() == 1
