"""The shell's navigation, built per person from the entries every app declares in its ``navigation.py``.

An app's ``navigation.ENTRIES`` lists :class:`NavEntry` items. Who sees an entry is decided by the gate that the
authorisation API installs (``identity.authz``): an entry is shown to the people its URL's access rule lets in, so a
citizen never sees the officers' queue and a visitor never sees "My dossiers". Without a gate (the platform alone),
every entry is shown.

An entry also says for whom it is written (``audience``): the site's main menu shows the entries for everyone and for
citizens and businesses, the staff workspace's menu ("Egov", ``templates/_nav.html``) the entries for civil servants,
grouped under their ``section``. An entry with a ``landing`` rank is a home page: after signing in, a person lands
on the highest-ranked one they may open (:func:`landing_for`), so officers land on their workspace and citizens on
their own space, and a new app's home takes part without a central edit (docs/workspaces.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartgov.platform.contract import contract_exports

Gate = Callable[[HttpRequest, str], bool]

#: For whom an entry is written: everyone (visitors included), citizens and businesses in their own space, civil
#: servants in their workspace. Who may actually open it is still the URL's access rule.
EVERYONE, CITIZEN, STAFF = "everyone", "citizen", "staff"
AUDIENCES = (EVERYONE, CITIZEN, STAFF)

#: Headings of the staff workspace's menu that several apps share (an entry with the same heading joins it).
WORK = _("Daily work")
OVERSIGHT = _("Oversight and reports")
ADMINISTRATION = _("Platform administration")


@dataclass(frozen=True)
class NavEntry:
    """A menu entry. ``section``: the heading it is grouped under in its audience's menu (empty: ungrouped);
    ``audience``: :data:`EVERYONE`, :data:`CITIZEN` or :data:`STAFF`; ``landing``: above 0, the entry is a home page
    people land on after signing in, the highest rank among those they may open winning."""

    label: str | Promise
    url_name: str
    order: int = 100
    section: str | Promise = ""
    audience: str = EVERYONE
    landing: int = 0

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"{self.url_name}: unknown audience {self.audience!r}")


@dataclass(frozen=True)
class NavSection:
    """A heading of a menu and its entries, in menu order."""

    label: str | Promise
    entries: tuple[NavEntry, ...]


_gate: list[Gate] = []


def gate_set(gate: Gate) -> None:
    """Install the check deciding whether a person may see an entry (one gate; a second call replaces it)."""
    _gate[:] = [gate]


@cache
def entries() -> tuple[NavEntry, ...]:
    """Every installed app's entries, in menu order."""
    found = [entry for _config, declared in contract_exports("navigation", "ENTRIES") for entry in declared]
    return tuple(sorted(found, key=lambda entry: entry.order))


def entries_for(request: HttpRequest, *audiences: str) -> list[NavEntry]:
    """The entries ``request``'s person may use, of ``audiences`` (all when none is named)."""
    wanted = [entry for entry in entries() if not audiences or entry.audience in audiences]
    if not _gate:
        return wanted
    gate = _gate[0]
    return [entry for entry in wanted if gate(request, entry.url_name)]


def sections_for(request: HttpRequest, audience: str) -> list[NavSection]:
    """The menu of ``audience`` for ``request``'s person: their entries grouped under their sections, each section
    where its first entry comes in menu order."""
    grouped: dict[str, tuple[str | Promise, list[NavEntry]]] = {}
    for entry in entries_for(request, audience):
        grouped.setdefault(str(entry.section), (entry.section, []))[1].append(entry)
    return [NavSection(label, tuple(items)) for label, items in grouped.values()]


def landing_for(request: HttpRequest) -> str:
    """The URL name of the home page ``request``'s person lands on: the highest-ranked landing entry they may open,
    the site's home otherwise."""
    homes = sorted((e for e in entries_for(request) if e.landing > 0), key=lambda e: (-e.landing, e.order))
    return homes[0].url_name if homes else "platform:home"


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
