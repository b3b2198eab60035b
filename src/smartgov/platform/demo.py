"""The Hai Phong demo: units, calendar, locality, agencies, staff and citizen accounts.

Everything goes through the services, so the demo leaves the same audit rows and events as real use, and every
step is idempotent: loading twice changes nothing the second time.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartgov.platform.contract import contract_exports
from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.calendar import calendar_fill
from smartgov.platform.services.org import AgencyData, agency_upsert, locality_set
from smartgov.platform.services.units import units_load

DATA_FILE = Path(__file__).parent / "data" / "haiphong.json"
#: The demo accounts' password, printed by ``smartgov load_demo``; override with SMARTGOV_DEMO_PASSWORD.
DEFAULT_DEMO_PASSWORD = "HaiPhong@2026"  # noqa: S105 - demo accounts only; load_demo refuses production
_COMMUNE_PREFIXES = {"Phường ": "phường ", "Xã ": "xã ", "Đặc khu ": "đặc khu "}
EFFECTIVE = date(2025, 7, 1)


@dataclass
class DemoReport:
    steps: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.steps.values())


@dataclass
class DemoContext:
    """What every demo step gets: the demo's data file, the demo accounts' password, whether to show progress, and
    the report it adds its logins to."""

    data: dict[str, Any]
    password: str
    progress: bool
    report: DemoReport


@dataclass(frozen=True)
class DemoStep:
    """One step of an app's part of the demo: ``run(ctx)`` loads what is missing and returns how many things it
    changed (0 when everything was there already). ``after`` names steps (``"<app>.<name>"``) that must run first;
    a name whose app is not installed is ignored."""

    name: str
    run: Callable[[DemoContext], int]
    after: tuple[str, ...] = ()


def demo_data() -> dict[str, Any]:
    """The Hai Phong demo's data file: the locality, its agencies, the demo accounts."""
    loaded: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def demo_steps() -> list[tuple[str, DemoStep]]:
    """Every installed app's demo steps, each after the steps it names, otherwise in ``INSTALLED_APPS`` order."""
    declared = [
        (f"{config.label}.{step.name}", step) for config, steps in contract_exports("demo", "STEPS") for step in steps
    ]
    known = {name for name, _step in declared}
    done: list[tuple[str, DemoStep]] = []
    waiting = list(declared)
    while waiting:
        finished = {name for name, _step in done}
        ready = next(
            ((name, step) for name, step in waiting if all(a in finished or a not in known for a in step.after)), None
        )
        if ready is None:
            raise ValueError(f"demo steps wait for each other: {[name for name, _step in waiting]}")
        done.append(ready)
        waiting.remove(ready)
    return done


def demo_load(*, progress: bool = False, password: str | None = None) -> DemoReport:
    """Run every installed app's demo steps, each in its own transaction. Loading twice changes nothing."""
    report = DemoReport()
    ctx = DemoContext(
        data=demo_data(),
        password=password or os.environ.get("SMARTGOV_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD,
        progress=progress,
        report=report,
    )
    for name, step in demo_steps():
        with transaction.atomic():
            report.steps[name] = step.run(ctx)
    if report.changed:
        with transaction.atomic():
            audit_record(actor=None, actor_label="system:demo", action="platform.demo.load", changes=report.steps)
    return report


def _load_units(ctx: DemoContext) -> int:
    return units_load(progress=ctx.progress).changed


def _load_calendar(ctx: DemoContext) -> int:
    this_year = timezone.localdate().year
    return calendar_fill(years=range(this_year - 1, this_year + 3)).changed


def _load_locality(ctx: DemoContext) -> int:
    """The locality (Hai Phong) and its agencies: the people's committee, the departments, the commune committees."""
    loc = ctx.data["locality"]
    province = AdminUnit.objects.get(
        generation=AdminUnit.Generation.CURRENT, level=AdminUnit.Level.PROVINCE, code=loc["province_code"]
    )
    _locality, changed = locality_set(
        actor=None,
        province=province,
        name=loc["name"],
        name_en=loc["name_en"],
        agency_id_suffix=loc["agency_id_suffix"],
        portal_name=loc["portal_name"],
        website=loc["website"],
    )
    return int(changed) + _load_agencies(ctx.data, province)


#: The shared kernel's part of the demo.
STEPS = [
    DemoStep("units", _load_units),
    DemoStep("calendar", _load_calendar),
    DemoStep("locality", _load_locality, after=("platform.units",)),
]


def commune_committee_name(unit_name: str) -> str:
    """``"Phường Thành Đông"`` → ``"Ủy ban nhân dân phường Thành Đông"`` (the kind word is not capitalised)."""
    for prefix, lowered in _COMMUNE_PREFIXES.items():
        if unit_name.startswith(prefix):
            return "Ủy ban nhân dân " + lowered + unit_name[len(prefix) :]
    return "Ủy ban nhân dân " + unit_name


def commune_committee_code(ordinal: int, suffix: str) -> str:
    """A placeholder electronic ID for the ``ordinal``-th commune committee (1-based), unique and well-formed."""
    return f"000.{20 + ordinal // 100:02d}.{ordinal % 100:02d}.{suffix}"


def _load_agencies(data: dict[str, Any], province: AdminUnit) -> int:
    suffix = data["locality"]["agency_id_suffix"]
    pc = data["peoples_committee"]
    changed = 0
    _agency, did = agency_upsert(
        actor=None,
        data=AgencyData(
            code=pc["code"],
            name=pc["name"],
            name_en=pc["name_en"],
            short_name=pc["short_name"],
            kind=Agency.Kind.PEOPLES_COMMITTEE,
            admin_unit=province,
            address=pc["address"],
            valid_from=EFFECTIVE,
        ),
    )
    changed += did
    for code, kind, name, name_en, short_name in data["agencies"]:
        _agency, did = agency_upsert(
            actor=None,
            data=AgencyData(
                code=code,
                name=name,
                name_en=name_en,
                short_name=short_name,
                kind=kind,
                parent_code=pc["code"],
                admin_unit=province,
                valid_from=EFFECTIVE,
            ),
        )
        changed += did
    communes = AdminUnit.objects.filter(generation=AdminUnit.Generation.CURRENT, parent=province).order_by("code")
    for ordinal, unit in enumerate(communes, start=1):
        _agency, did = agency_upsert(
            actor=None,
            data=AgencyData(
                code=commune_committee_code(ordinal, suffix),
                name=commune_committee_name(unit.name),
                kind=Agency.Kind.COMMUNE_COMMITTEE,
                parent_code=pc["code"],
                admin_unit=unit,
                valid_from=EFFECTIVE,
            ),
        )
        changed += did
    return changed
