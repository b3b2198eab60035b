"""Identity's part of the merge archive: accounts, roles, consents and linked national identities.

An account is the same person here when the personal ID matches, else the tax code, else the account name; a
match whose name, kind, personal ID or tax code differ is a conflict for the operator (two officers who share an
account name are two people: rename one in the source and export again). Password hashes travel, so people keep
signing in; an account created from another locality is never a superuser here. Sessions, verification codes,
security events and the record of who viewed whose data stay in the source installation's archive.
"""

from typing import Any

from smartgov.identity.models import ConsentRecord, FederatedIdentity, RoleAssignment, User
from smartgov.platform.merge import MergeModel, MergePart


def _no_superuser(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "is_superuser": False}


PERSONAL = ("username", "first_name", "last_name", "full_name", "email", "phone", "personal_id", "tax_code", "password")

PART = MergePart(
    models=[
        MergeModel(
            User,
            keys=[("personal_id",), ("tax_code",), ("username",)],
            compare=("kind", "full_name", "personal_id", "tax_code"),
            personal=PERSONAL,
            prepare=_no_superuser,
        ),
        MergeModel(RoleAssignment, keys=[("user", "role", "agency", "admin_unit")]),
        MergeModel(ConsentRecord, keys=[("user", "purpose", "decided_at")], personal=("ip_address", "user_agent")),
        MergeModel(FederatedIdentity, keys=[("provider", "subject")], compare=("user",), personal=("subject",)),
    ],
)
