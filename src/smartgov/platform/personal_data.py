"""What every app holds about a person, for the person's own copy of their data and for erasing an account.

Each app registers, in its ``personal_data.py`` (loaded at start-up, docs/kernel.md §1), an exporter per section —
a function of the account returning JSON-able data — and the erasers that remove what must go when an account is
erased (records the law makes an agency keep, such as dossiers, stay under their own retention rules).
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def personal_data_exporter(section: str) -> Callable[[Exporter], Exporter]:
    """Register ``function(user)`` as the exporter of ``section`` of the person's data."""

    def register(function: Exporter) -> Exporter:
        existing = _exporters.get(section)
        if existing is not None and existing.__qualname__ != function.__qualname__:
            raise ValueError(f"two exporters of the personal-data section {section!r}")
        _exporters[section] = function
        return function

    return register


def personal_data_eraser(name: str) -> Callable[[Eraser], Eraser]:
    """Register ``function(user)`` to remove what an app holds about an account being erased."""

    def register(function: Eraser) -> Eraser:
        _erasers[name] = function
        return function

    return register


def personal_data_exporters() -> dict[str, Exporter]:
    """The registered exporters, by section."""
    return dict(_exporters)


def personal_data_sections(user: Any) -> dict[str, Any]:
    """Every registered section of ``user``'s data, by section name."""
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}


def personal_data_erase(user: Any) -> None:
    """Run every registered eraser on ``user`` (in the caller's transaction)."""
    for _name, eraser in sorted(_erasers.items()):
        eraser(user)
