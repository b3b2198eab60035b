"""How the permission matrix (smartgov/tests/test_policies.py) reaches notifications's URLs: sample arguments."""

from smartgov.platform.testing import Probe

#: URLs that need arguments, a method other than GET, a body, or call another system.
PROBES: dict[str, Probe] = {
    "notifications:read-all": Probe(method="post"),
}
