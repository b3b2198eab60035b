"""Identity's part of the Hai Phong demo: the staff of the city's agencies with their positions and roles, citizens and
a business (the accounts of ``platform/data/haiphong.json``). Idempotent: an existing account is left as it is."""

from typing import Any

from smartgov.identity.authz import AGENCY_ROLES
from smartgov.identity.selectors.accounts import User, user_get_by_username
from smartgov.identity.services.accounts import account_create
from smartgov.identity.services.roles import role_grant
from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.platform.errors import Conflict
from smartgov.platform.models import Agency
from smartgov.platform.services.org import position_assign


def _load_accounts(ctx: DemoContext) -> int:
    """Staff with their positions and roles, citizens and a business; their logins go into the report."""
    data, password, report = ctx.data, ctx.password, ctx.report
    changed = 0
    for person in data["staff"]:
        user, created = _account(
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


def _account(*, username: str, password: str, **fields: Any) -> tuple[User, bool]:
    """The demo account ``username``, created with ``password`` if missing; an existing one is left as it is."""
    user = user_get_by_username(username)
    if user is not None:
        return user, False
    return account_create(actor=None, actor_label="system:demo", username=username, password=password, **fields), True


STEPS = [DemoStep("accounts", _load_accounts, after=("platform.locality",))]
