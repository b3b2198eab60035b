"""How the permission matrix (smartgov/tests/test_policies.py) reaches exchange's URLs: sample arguments."""

from smartgov.platform.testing import Probe

#: URLs that need arguments, a method other than GET, a body, or call another system.
PROBES: dict[str, Probe] = {
    "exchange:dead-letters-retry": Probe(kwargs={"topic_id": 999}, method="post"),
}
