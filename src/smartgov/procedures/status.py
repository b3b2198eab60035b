"""Dossier statuses (the National Public Service Portal's codes 1–10, plus a local draft) and the legal moves.

Every move is a service in ``services/dossiers.py``; this table says which statuses each move starts from and
where it goes, so an illegal move is refused with one clear message, whoever asks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    DRAFT = 0, _("Draft")  # local only: never sent to the national portal
    SUBMITTED = 1, _("Newly submitted")
    ACCEPTED = 2, _("Accepted")
    NOT_ACCEPTED = 3, _("Not accepted")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    FINANCIAL_OBLIGATION = 6, _("Financial obligation required")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Processing stopped")
    FINISHED = 9, _("Processing finished")
    RETURNED = 10, _("Result returned")


S = Status

#: action → (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[int], int | None]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    # a dossier whose fee is unpaid goes on from acceptance to FINANCIAL_OBLIGATION (dossier_accept)
    "accept": (frozenset({S.SUBMITTED}), S.ACCEPTED),
    "request_supplement": (frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING}), S.SUPPLEMENT_REQUESTED),
    "supplement": (frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED),
    "refuse": (frozenset({S.SUBMITTED}), S.NOT_ACCEPTED),
    "withdraw": (frozenset({S.SUBMITTED, S.ACCEPTED, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION}), S.WITHDRAWN),
    "start": (frozenset({S.ACCEPTED}), S.PROCESSING),
    "assign": (frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING),
    "transfer": (frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING),
    "submit_for_approval": (frozenset({S.PROCESSING}), None),
    "approve": (frozenset({S.PROCESSING}), S.FINISHED),
    "stop": (frozenset({S.ACCEPTED, S.PROCESSING, S.FINANCIAL_OBLIGATION}), S.STOPPED),
    # the fee or another financial obligation must be paid before processing goes on (the clock stops)
    "request_payment": (frozenset({S.ACCEPTED, S.PROCESSING}), S.FINANCIAL_OBLIGATION),
    "pay": (frozenset({S.FINANCIAL_OBLIGATION}), S.PROCESSING),
    "return_result": (frozenset({S.FINISHED}), S.RETURNED),
    "apologise": (frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}), None),
    "pause": (frozenset({S.PROCESSING}), None),
    "resume": (frozenset({S.PROCESSING}), None),
}

#: Statuses in which the dossier is still with the administration (its deadline runs, it can be late).
OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.FINANCIAL_OBLIGATION})
#: Statuses that end the dossier.
CLOSED = frozenset({S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED, S.RETURNED})

#: The birth-registration procedures (their approval is published as ``procedures.birth.registered``).
BIRTH_REGISTRATION = frozenset({"1.001193"})
