"""Test support every app's tests may use (imported by tests only)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from smartgov.platform import events


@dataclass(frozen=True)
class Probe:
    """How the permission matrix reaches one URL: sample URL arguments (a string in capitals is a placeholder that
    an app's ``probes.world()`` fills in, e.g. ``"DOSSIER"``), the method, a JSON body for API calls, and whether the
    URL calls another system (502/503/504 then only say it is not reachable from the test)."""

    kwargs: dict[str, Any] | None = None
    method: str = "get"
    body: str = "{}"
    upstream: bool = False


class AnyPayload(BaseModel):
    """The payload schema of topics a test makes up: whatever JSON object it publishes."""

    model_config = ConfigDict(extra="allow")


@contextmanager
def topics_declared(*names: str) -> Iterator[None]:
    """Declare topics for the duration of a test (payloads of any shape)."""
    added = [events.Topic(name, AnyPayload) for name in names]
    events._extra.extend(added)
    events.topics.cache_clear()
    try:
        yield
    finally:
        for topic in added:
            events._extra.remove(topic)
        events.topics.cache_clear()
