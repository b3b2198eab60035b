"""How the permission matrix (smartgov/tests/test_policies.py) reaches platform's URLs: sample arguments."""

from smartgov.platform.testing import Probe

#: URLs that need arguments, a method other than GET, a body, or call another system.
PROBES: dict[str, Probe] = {
    "platform:unit": Probe(kwargs={"generation": "2025", "code": "11311"}),
    "platform:agency": Probe(kwargs={"code": "000.00.10.H31"}),
    "platform:icon": Probe(kwargs={"size": 192}),
    "set_language": Probe(method="post"),
    "api:successors": Probe(kwargs={"code": "10507"}),
    "api:predecessors": Probe(kwargs={"code": "10507"}),
    "api:get_unit": Probe(kwargs={"generation": "2025", "code": "11311"}),
    "api:get_agency": Probe(kwargs={"code": "000.00.10.H31"}),
}
