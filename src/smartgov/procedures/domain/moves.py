"""The officers' moves on a dossier, declared once (docs/kernel.md §3).

``MOVES`` holds one row per move: the statuses it starts from, the status it leads to, who may make it (these roles,
in the agency that received the dossier or in the one holding it now), its label, its input and the access-token
scope it needs. :func:`moves_allowed` is the one answer to "what may this person do with this dossier now": the
services' guard (:func:`move_guard`), the officer page's buttons and the API's list of moves all ask it. It is
registered with identity's policies as ``procedures.dossier.move`` (resource: ``(dossier, move name)``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.identity import authz
from smartgov.platform.errors import Conflict, Forbidden, NotFound
from smartgov.procedures.domain.status import Status

if TYPE_CHECKING:
    from smartgov.procedures.models import Dossier

S = Status
Role = authz.Role
OSS, SPECIALIST, LEADER = Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER

#: The access-token scope every officers' move needs (a browser session holds every scope).
SCOPE = "dossiers.process"
#: The action name of the policy registered with ``smartgov.identity.authz``.
POLICY = "procedures.dossier.move"

#: What an input holds: ``text`` one line, ``longtext`` several, ``agency`` an agency's code, ``account`` a
#: specialist's account name, ``datetime`` an ISO 8601 moment, ``amount`` whole đồng.
Kind = Literal["text", "longtext", "agency", "account", "datetime", "amount"]


@dataclass(frozen=True)
class Input:
    """One input of a move. A required input left out is refused with ``missing`` (a clear 400)."""

    name: str
    kind: Kind
    label: Promise
    required: bool = False
    missing: Promise | None = None


@dataclass(frozen=True)
class Move:
    """One officers' move. ``target`` None keeps the status (the service may still set another, such as accepting
    a dossier whose fee is due). ``refusal`` gives the reason the move cannot be made now beyond its start
    statuses (None: it can). ``leaves``: afterwards the dossier may have left the officer's agency."""

    name: str
    starts: frozenset[int]
    target: int | None
    roles: tuple[str, ...]
    where: Literal["receiving", "current"]
    label: Promise
    inputs: tuple[Input, ...] = ()
    refusal: Callable[["Dossier"], str | None] | None = None
    leaves: bool = False
    secondary: bool = False
    scope: str = SCOPE

    def agency(self, dossier: "Dossier") -> Any:
        return dossier.receiving_agency if self.where == "receiving" else dossier.current_agency

    def refused_now(self, dossier: "Dossier") -> str | None:
        """Why the move cannot be made on ``dossier`` in its present state (None: it can)."""
        if dossier.status not in self.starts:
            return _("This cannot be done now: the dossier is “%(status)s”.") % {"status": Status(dossier.status).label}
        return self.refusal(dossier) if self.refusal is not None else None


def _supplement_asked(dossier: "Dossier") -> str | None:
    if dossier.supplement_requested_at is not None:
        return _("A supplement was already requested once for this dossier; it cannot be asked again.")
    return None


def _paused(dossier: "Dossier") -> str | None:
    return _("Processing of this dossier is already paused.") if dossier.paused_at is not None else None


def _not_paused(dossier: "Dossier") -> str | None:
    return _("Processing of this dossier is not paused.") if dossier.paused_at is None else None


def _late(dossier: "Dossier") -> str | None:
    if dossier.due_at is None or dossier.due_at <= timezone.now():
        return _("The apology must be issued before the due date; this dossier is already late.")
    return None


def _paid(dossier: "Dossier") -> str | None:
    return _("The fee of this dossier is already paid.") if dossier.paid_at is not None else None


NOTE = Input("note", "text", gettext_lazy("Note"))


def _reason(label: Promise, missing: Promise) -> Input:
    """A required reason; the callers mark both texts with gettext_lazy, where makemessages can see them."""
    return Input("reason", "longtext", label, required=True, missing=missing)


_rows = [
    Move(
        "accept", frozenset({S.SUBMITTED}), S.ACCEPTED, (OSS,), "receiving", gettext_lazy("Accept the dossier"),
        (NOTE,),
    ),
    Move(
        "request_supplement", frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING}), S.SUPPLEMENT_REQUESTED,
        (OSS, SPECIALIST, LEADER), "current", gettext_lazy("Request a supplement"),
        (
            _reason(
                gettext_lazy("What is missing (form 02, only once)"),
                gettext_lazy("Say what is missing or must be corrected."),
            ),
        ),
        refusal=_supplement_asked, secondary=True,
    ),
    Move(
        "refuse", frozenset({S.SUBMITTED}), S.NOT_ACCEPTED, (OSS,), "receiving", gettext_lazy("Refuse"),
        (
            _reason(
                gettext_lazy("Reasons for refusing (form 03)"),
                gettext_lazy("Give the reasons for refusing."),
            ),
        ), secondary=True,
    ),
    Move(
        "transfer", frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING, (OSS, SPECIALIST, LEADER), "current",
        gettext_lazy("Hand over"),
        (
            Input("to_agency", "agency", gettext_lazy("Hand over to"), required=True,
                  missing=gettext_lazy("Choose the agency to hand the dossier to.")),
            NOTE,
        ),
        leaves=True,
    ),
    Move(
        "assign", frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING, (LEADER, OSS), "current",
        gettext_lazy("Assign"),
        (Input("specialist", "account", gettext_lazy("Specialist"), required=True,
               missing=gettext_lazy("Choose the specialist.")),),
        secondary=True,
    ),
    Move(
        "approve", frozenset({S.PROCESSING}), S.FINISHED, (LEADER,), "current", gettext_lazy("Approve the result"),
        (NOTE,), leaves=True,
    ),
    Move(
        "stop", frozenset({S.ACCEPTED, S.PROCESSING, S.FINANCIAL_OBLIGATION}), S.STOPPED, (LEADER,), "current",
        gettext_lazy("Stop processing"),
        (
            _reason(
                gettext_lazy("Reasons for stopping"),
                gettext_lazy("Give the reasons for stopping."),
            ),
        ), secondary=True,
    ),
    Move(
        "apologise", frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}), None, (OSS, LEADER), "current",
        gettext_lazy("Apologise with a new appointment"),
        (
            _reason(gettext_lazy("Reason for the delay (form 04)"), gettext_lazy("Give the reason for the delay.")),
            Input("new_due_at", "datetime", gettext_lazy("New appointment"), required=True,
                  missing=gettext_lazy("Give the new appointment's date and time.")),
        ),
        refusal=_late, secondary=True,
    ),
    Move(
        "pause", frozenset({S.PROCESSING}), None, (SPECIALIST, LEADER), "current", gettext_lazy("Pause processing"),
        (
            _reason(
                gettext_lazy("Reason for pausing (the clock stops)"),
                gettext_lazy("Give the reason for pausing."),
            ),
        ),
        refusal=_paused, secondary=True,
    ),
    Move(
        "resume", frozenset({S.PROCESSING}), None, (SPECIALIST, LEADER), "current",
        gettext_lazy("Resume processing"), refusal=_not_paused,
    ),
    # the fee or another financial obligation must be paid before processing goes on (the clock stops)
    Move(
        "request_payment", frozenset({S.ACCEPTED, S.PROCESSING}), S.FINANCIAL_OBLIGATION,
        (OSS, SPECIALIST, LEADER), "current", gettext_lazy("Ask for payment"),
        (Input("amount_vnd", "amount", gettext_lazy("Amount to pay (đồng; empty: the fee of the dossier)")), NOTE),
        refusal=_paid, secondary=True,
    ),
    Move(
        "return_result", frozenset({S.FINISHED}), S.RETURNED, (OSS,), "receiving",
        gettext_lazy("Hand the result over"),
    ),
]  # fmt: skip

#: Every officers' move, by name, in the order the officer's page offers them.
MOVES: dict[str, Move] = {move.name: move for move in _rows}


def _roles(principal: authz.Principal, dossier: "Dossier") -> dict[str, frozenset[str]]:
    """The principal's roles in the receiving and in the current agency (one query each, one when they are the
    same agency)."""
    receiving = authz.roles_in(principal.user, dossier.receiving_agency)
    if dossier.current_agency_id == dossier.receiving_agency_id:
        return {"receiving": receiving, "current": receiving}
    return {"receiving": receiving, "current": authz.roles_in(principal.user, dossier.current_agency)}


def moves_allowed(subject: Any, dossier: "Dossier") -> list[Move]:
    """The moves ``subject`` (a principal, a request or an account) may make on ``dossier`` now: a role the move
    allows in its agency, the token scope it needs, and the dossier in a state it starts from."""
    principal = authz.principal_of(subject)
    held = _roles(principal, dossier)
    return [
        move
        for move in MOVES.values()
        if held[move.where] & set(move.roles) and principal.has_scope(move.scope) and move.refused_now(dossier) is None
    ]


@authz.policy(POLICY, scope=SCOPE)
def _may_move(principal: authz.Principal, resource: tuple["Dossier", str], /) -> bool:
    dossier, name = resource
    return name in {move.name for move in moves_allowed(principal, dossier)}


def move_guard(subject: Any, dossier: "Dossier", name: str) -> Move:
    """The move ``name`` if ``subject`` may make it on ``dossier`` now (:func:`moves_allowed`); otherwise the reason:
    ``NotFound`` for no such move, ``Forbidden`` for no role there or a token without the scope, ``Conflict`` for a
    dossier in the wrong state."""
    move = MOVES.get(name)
    if move is None:
        raise NotFound(_("No such action."))
    if move in moves_allowed(subject, dossier):
        return move
    principal = authz.principal_of(subject)
    agency = move.agency(dossier)
    if not authz.holds(principal.user, *move.roles, agency=agency):
        raise Forbidden(
            _("This dossier is handled by %(agency)s: you do not hold a role there that can do this.")
            % {"agency": agency.name}
        )
    if not principal.has_scope(move.scope):
        raise Forbidden(_("This access token does not have the scope %(scope)s.") % {"scope": move.scope})
    # what is left: the dossier's state (or it changed under us, which the locked read rules out)
    raise Conflict(
        move.refused_now(dossier) or _("Someone else changed this dossier a moment ago. Reload it to see what changed.")
    )
