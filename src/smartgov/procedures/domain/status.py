"""Dossier statuses (the National Public Service Portal's codes 1–10, plus a local draft) and the applicant's moves.

Every move is a service in ``services/``; ``TRANSITIONS`` says which statuses the applicant's moves start from and
where they go, ``moves.MOVES`` the same for the officers' moves, so an illegal move is refused with one clear
message, whoever asks.
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

#: The applicant's moves and the payment's: action → (statuses it may start from, status it leads to).
#: The officers' moves, with who may make them, are the table ``domain/moves.py`` ``MOVES``.
TRANSITIONS: dict[str, tuple[frozenset[int], int | None]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "supplement": (frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED),
    "withdraw": (frozenset({S.SUBMITTED, S.ACCEPTED, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION}), S.WITHDRAWN),
    "pay": (frozenset({S.FINANCIAL_OBLIGATION}), S.PROCESSING),
}

#: Statuses in which the dossier is still with the administration (its deadline runs, it can be late).
OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.FINANCIAL_OBLIGATION})
#: Statuses that end the dossier.
CLOSED = frozenset({S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED, S.RETURNED})

#: The birth-registration procedures (their approval is published as ``procedures.birth.registered``).
BIRTH_REGISTRATION = frozenset({"1.001193"})
