"""How the permission matrix (smartgov/tests/test_policies.py) reaches the open data portal's URLs: every action of
the CKAN API (the write actions by POST, without a token, so they are refused whatever the session), an unknown
action, a download that does not exist, the DCAT-AP catalogue and a record that does not exist."""

from typing import Any

from smartgov.opendata.ckan.actions import ACTIONS
from smartgov.platform.testing import Probe

#: URLs that need arguments, or another method than GET.
PROBES: dict[str, Probe] = {
    **{f"opendata:{name}": Probe(method="post", body="{}") for name, action in ACTIONS.items() if not action.read},
    "opendata:action-unknown": Probe(kwargs={"action_name": "khong_co"}),
    "opendata:resource-download": Probe(
        kwargs={
            "dataset": "00000000-0000-0000-0000-000000000000",
            "resource": "00000000-0000-0000-0000-000000000000",
            "filename": "tep.csv",
        }
    ),
    "opendata:dcat-catalog": Probe(kwargs={"extension": "ttl"}),
    "opendata:dcat-dataset": Probe(kwargs={"name": "khong-co", "extension": "jsonld"}),
}


def world(base: dict[str, Any]) -> dict[str, Any]:
    """Nothing more: the read actions answer an empty catalog, the download a 404."""
    return {}
