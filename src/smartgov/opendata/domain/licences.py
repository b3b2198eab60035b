"""The licences a dataset may carry, shaped as CKAN's ``license_list`` answers them (``id``, ``title``, ``url``,
``od_conformance``, ``osd_conformance``, ``status``, ``maintainer``, ``family``, ``domain_*``).

The ids are those of the Open Definition's licence register, which CKAN ships and which harvesters (DCAT-AP,
data.europa.eu, the national catalogue) recognise, so a dataset's licence means the same everywhere. Vietnam has no
national open-data licence text of its own: Decree 47/2020 and the Law on Data 2024 say that open data is free to
reuse with attribution, which is CC-BY-4.0; the portal's default is therefore CC-BY-4.0. ``other-open`` covers a
licence text an agency must keep (its own conditions, open), ``other-closed`` data that is published but not open
(the quality score of a later increment counts it against the dataset)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Licence:
    id: str
    title: str | Promise
    url: str
    open: bool  #: conforms to the Open Definition (``od_conformance`` "approved")
    family: str = ""

    def as_ckan(self) -> dict[str, object]:
        conformance = "approved" if self.open else "not reviewed"
        return {
            "id": self.id,
            "title": str(self.title),
            "url": self.url,
            "od_conformance": conformance,
            "osd_conformance": "not reviewed",
            "status": "active",
            "maintainer": "",
            "family": self.family,
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
            "is_generic": self.id.startswith("other-"),
            "is_okd_compliant": self.open,
            "is_osi_compliant": False,
        }


LICENCES: tuple[Licence, ...] = (
    Licence("CC-BY-4.0", _("Creative Commons Attribution 4.0"), "https://creativecommons.org/licenses/by/4.0/", True,
            "Creative Commons"),
    Licence("CC-BY-SA-4.0", _("Creative Commons Attribution Share-Alike 4.0"),
            "https://creativecommons.org/licenses/by-sa/4.0/", True, "Creative Commons"),
    Licence("CC0-1.0", _("Creative Commons CCZero"), "https://creativecommons.org/publicdomain/zero/1.0/", True,
            "Creative Commons"),
    Licence("ODC-BY-1.0", _("Open Data Commons Attribution License"), "https://opendatacommons.org/licenses/by/1-0/",
            True, "Open Data Commons"),
    Licence("ODbL-1.0", _("Open Data Commons Open Database License (ODbL)"),
            "https://opendatacommons.org/licenses/odbl/1-0/", True, "Open Data Commons"),
    Licence("ODC-PDDL-1.0", _("Open Data Commons Public Domain Dedication and License (PDDL)"),
            "https://opendatacommons.org/licenses/pddl/1-0/", True, "Open Data Commons"),
    Licence("other-open", _("Other (open)"), "", True),
    Licence("other-closed", _("Other (not open)"), "", False),
    Licence("notspecified", _("Licence not specified"), "", False),
)  # fmt: skip

BY_ID = {licence.id: licence for licence in LICENCES}
#: CKAN's older short ids, which harvested or dumped datasets still carry, and the licence each one means.
ALIASES = {"cc-by": "CC-BY-4.0", "cc-zero": "CC0-1.0", "odc-by": "ODC-BY-1.0", "odc-odbl": "ODbL-1.0",
           "odc-pddl": "ODC-PDDL-1.0", "cc-by-sa": "CC-BY-SA-4.0"}  # fmt: skip
DEFAULT = "CC-BY-4.0"
IDS = tuple(BY_ID)


def licence_id(value: str) -> str | None:
    """The licence id ``value`` names (an id or one of CKAN's older short ids), or None."""
    if value in BY_ID:
        return value
    return ALIASES.get(value.lower())
