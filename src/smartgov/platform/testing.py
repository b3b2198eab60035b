"""Test support every app's tests may use (imported by tests only)."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Probe:
    """How the permission matrix reaches one URL: sample URL arguments (a string in capitals is a placeholder that
    an app's ``probes.world()`` fills in, e.g. ``"DOSSIER"``), the method, a JSON body for API calls, and whether the
    URL calls another system (502/503/504 then only say it is not reachable from the test)."""

    kwargs: dict[str, Any] | None = None
    method: str = "get"
    body: str = "{}"
    upstream: bool = False
