"""The Hai Phong demo: units, calendar, locality, agencies, staff and citizen accounts.

Everything goes through the services, so the demo leaves the same audit rows and events as real use, and every
step is idempotent: loading twice changes nothing the second time.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.calendar import calendar_fill
from smartgov.platform.services.org import AgencyData, agency_upsert, locality_set, position_assign
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


def commune_committee_name(unit_name: str) -> str:
    """``"Phường Thành Đông"`` → ``"Ủy ban nhân dân phường Thành Đông"`` (the kind word is not capitalised)."""
    for prefix, lowered in _COMMUNE_PREFIXES.items():
        if unit_name.startswith(prefix):
            return "Ủy ban nhân dân " + lowered + unit_name[len(prefix) :]
    return "Ủy ban nhân dân " + unit_name


def commune_committee_code(ordinal: int, suffix: str) -> str:
    """A placeholder electronic ID for the ``ordinal``-th commune committee (1-based), unique and well-formed."""
    return f"000.{20 + ordinal // 100:02d}.{ordinal % 100:02d}.{suffix}"


def demo_load(*, progress: bool = False, password: str | None = None) -> DemoReport:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    password = password or os.environ.get("SMARTGOV_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    report = DemoReport()

    units = units_load(progress=progress)
    report.steps["units"] = units.changed
    this_year = timezone.localdate().year
    report.steps["calendar"] = calendar_fill(years=range(this_year - 1, this_year + 3)).changed

    with transaction.atomic():
        loc = data["locality"]
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
        report.steps["locality"] = int(changed)
        report.steps["agencies"] = _load_agencies(data, province)
        report.steps["accounts"] = _load_accounts(data, password, report)
        report.steps["procedures"] = _load_catalog()
        report.steps["dossiers"] = _load_dossiers()
        report.steps["exchange"] = _load_exchange()  # before the dossiers: a birth registered is published
        report.steps["full_online"] = _load_full_online()
        if report.changed:
            audit_record(actor=None, actor_label="system:demo", action="platform.demo.load", changes=report.steps)
    return report


def _load_catalog() -> int:
    """The demo's procedure catalog (procedures/data/catalog.json), imported like any catalog file."""
    from smartgov.procedures.services.catalog import catalog_import

    path = Path(__file__).resolve().parent.parent / "procedures" / "data" / "catalog.json"
    report = catalog_import(data=json.loads(path.read_text(encoding="utf-8")), actor=None)
    return len(report.created) + len(report.updated)


def _load_dossiers(count: int = 3000) -> int:
    """A year of past dossiers, so the officers' queues and the indicators have something to show."""
    from django.core.management import call_command

    from smartgov.procedures.models import Dossier

    if Dossier.objects.exists():
        return 0
    call_command("dossiers_generate", count=count, force=True, verbosity=0)
    return count


def _load_full_online() -> int:
    """A citizen's dossiers through payment, a signed result and a rating (procedures/demo.py)."""
    from smartgov.procedures.demo import demo_full_online

    return demo_full_online()


def _load_exchange() -> int:
    """The data-exchange gateway's registry, the one-stop shop's key and a week of traffic (exchange/demo.py)."""
    from smartgov.exchange.demo import demo_exchange

    return demo_exchange()


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


def _load_accounts(data: dict[str, Any], password: str, report: DemoReport) -> int:
    user_model = get_user_model()
    changed = 0
    for person in data["staff"]:
        user, created = _account(
            user_model,
            username=person["username"],
            password=password,
            full_name=person["full_name"],
            kind="staff",
            is_staff=bool(person.get("superuser")),  # the admin site is for administrators only
            is_superuser=bool(person.get("superuser")),
        )
        changed += created
        if "commune" in person:
            agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_COMMITTEE, admin_unit__name=person["commune"])
        else:
            agency = Agency.objects.get(code=person["agency"])
        _position, did = position_assign(
            actor=None, user=user, agency=agency, title=person["title"], is_leader=person["is_leader"]
        )
        changed += did
        for role in person.get("roles", []):
            changed += _role(user, role, agency)
        report.logins.append((person["username"], f"{person['title']}, {agency.name}", password))
    for person in data["citizens"]:
        _user, created = _account(
            user_model,
            username=person["username"],
            password=password,
            full_name=person["full_name"],
            kind=person["kind"],
            personal_id=person.get("personal_id"),
            tax_code=person.get("tax_code"),
            phone=person.get("phone", ""),
        )
        changed += created
        label = "Doanh nghiệp" if person["kind"] == "business" else "Công dân"
        report.logins.append((person["username"], f"{label}: {person['full_name']}", password))
    return changed


def _role(user: Any, role: str, agency: Agency) -> bool:
    """Grant ``role`` (in ``agency`` when the role is held in one) unless the account holds it already."""
    from smartgov.identity.roles import AGENCY_ROLES, role_grant
    from smartgov.platform.errors import Conflict

    try:
        role_grant(actor=None, user=user, role=role, agency=agency if role in AGENCY_ROLES else None)
    except Conflict:
        return False
    return True


def _account(user_model: Any, *, username: str, password: str, **fields: Any) -> tuple[AbstractBaseUser, bool]:
    """The demo account ``username``, created with ``password`` if missing; an existing one is left as it is."""
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = user_model(username=username, **fields)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=None,
        actor_label="system:demo",
        action="identity.user.create",
        obj=user,
        changes={"username": [None, username], "kind": [None, fields.get("kind")]},
    )
    return user, True
