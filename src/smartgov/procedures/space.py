"""The procedures' sections of the person's space (docs/kernel.md §1): their dossiers, their fees, their
document store. The three lines come from one call of ``applicant_counts`` per page, kept on the request."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smartgov.platform.space import SpaceSection
from smartgov.procedures.selectors import applicant_counts


def _counts(user: Any) -> dict[str, int]:
    cached: dict[str, int] | None = getattr(user, "_space_counts", None)
    if cached is None:
        cached = applicant_counts(user=user)
        user._space_counts = cached
    return cached


def _join(parts: list[str], empty: str) -> str:
    return " · ".join(parts) if parts else empty


def _dossiers(user: Any) -> str:
    counts = _counts(user)
    parts = []
    if counts["open"]:
        parts.append(ngettext("%(n)d in progress", "%(n)d in progress", counts["open"]) % {"n": counts["open"]})
    if counts["supplement"]:
        n = counts["supplement"]
        parts.append(ngettext("%(n)d to complete", "%(n)d to complete", n) % {"n": n})
    if counts["drafts"]:
        parts.append(ngettext("%(n)d draft", "%(n)d drafts", counts["drafts"]) % {"n": counts["drafts"]})
    return _join(parts, _("No dossier in progress"))


def _payments(user: Any) -> str:
    counts = _counts(user)
    parts = []
    if counts["to_pay"]:
        parts.append(ngettext("%(n)d fee to pay", "%(n)d fees to pay", counts["to_pay"]) % {"n": counts["to_pay"]})
    if counts["paid"]:
        parts.append(ngettext("%(n)d e-receipt", "%(n)d e-receipts", counts["paid"]) % {"n": counts["paid"]})
    return _join(parts, _("Nothing to pay"))


def _documents(user: Any) -> str:
    n = _counts(user)["documents"]
    return ngettext("%(n)d document", "%(n)d documents", n) % {"n": n} if n else _("No document yet")


SECTIONS = [
    SpaceSection(
        gettext_lazy("My dossiers"),
        "procedures:my-dossiers",
        _dossiers,
        description=gettext_lazy("Follow your dossiers, complete them when asked, download receipts and results."),
        order=10,
    ),
    SpaceSection(
        gettext_lazy("My payments"),
        "procedures:my-payments",
        _payments,
        description=gettext_lazy("Fees to pay online and the e-receipts of what you paid."),
        order=20,
    ),
    SpaceSection(
        gettext_lazy("Document store"),
        "procedures:document-store",
        _documents,
        description=gettext_lazy("Your results and documents, to reuse in a new dossier or share with an agency."),
        order=30,
    ),
]
