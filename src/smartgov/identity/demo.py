"""Identity's part of the Hai Phong demo: the staff of the city's agencies with their positions and roles, citizens and
a business (the accounts of ``platform/data/haiphong.json``). Idempotent: an existing account is left as it is."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from smartgov.identity.authz import AGENCY_ROLES
from smartgov.identity.services.roles import role_grant
from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.platform.errors import Conflict
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.org import position_assign


def _load_accounts(ctx: DemoContext) -> int:
    """Staff with their positions and roles, citizens and a business; their logins go into the report."""
    data, password, report = ctx.data, ctx.password, ctx.report
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


STEPS = [DemoStep("accounts", _load_accounts, after=("platform.locality",))]
