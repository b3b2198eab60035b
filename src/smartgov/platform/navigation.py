"""The shell's navigation, built per person from the entries every app declares in its ``navigation.py``.

An app's ``navigation.ENTRIES`` lists :class:`NavEntry` items. Who sees an entry is decided by the gate that the
authorisation API installs (``identity.authz``): an entry is shown to the people its URL's access rule lets in, so a
citizen never sees the officers' queue and a visitor never sees "My dossiers". Without a gate (the platform alone),
every entry is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartgov.platform.contract import contract_exports

Gate = Callable[[HttpRequest, str], bool]


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    order: int = 100


_gate: list[Gate] = []


def gate_set(gate: Gate) -> None:
    """Install the check deciding whether a person may see an entry (one gate; a second call replaces it)."""
    _gate[:] = [gate]


@cache
def entries() -> tuple[NavEntry, ...]:
    """Every installed app's entries, in menu order."""
    found = [entry for _config, declared in contract_exports("navigation", "ENTRIES") for entry in declared]
    return tuple(sorted(found, key=lambda entry: entry.order))


def entries_for(request: HttpRequest) -> list[NavEntry]:
    """The entries ``request``'s person may use."""
    if not _gate:
        return list(entries())
    gate = _gate[0]
    return [entry for entry in entries() if gate(request, entry.url_name)]


def allowed(request: HttpRequest, url_name: str) -> bool:
    """Whether ``request``'s person may open ``url_name`` (always, without a gate)."""
    return _gate[0](request, url_name) if _gate else True


#: The shared kernel's own entries.
ENTRIES = [
    NavEntry(_("Home"), "platform:home", order=0),
    NavEntry(_("Administrative units"), "platform:units", order=20),
    NavEntry(_("Find your new unit"), "platform:units-lookup", order=25),
    NavEntry(_("Agencies"), "platform:agencies", order=30),
    NavEntry(_("Working calendar"), "platform:calendar", order=40),
    NavEntry(_("API"), "api:openapi-view", order=90),
]
