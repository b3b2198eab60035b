"""Who may publish and who sees what is private (docs/opendata.md, "Who may do what"), registered with
``identity.authz`` as the policies the services, the selectors and the Action API ask.

- ``opendata.dataset.publish`` (token scope ``opendata.write``): a data steward of the owner agency (a platform
  administrator holds every role). It covers creating, changing and withdrawing the agency's datasets and their
  resources.
- ``opendata.dataset.read_private`` (token scope ``opendata.read``): the staff of the owner agency (any agency role
  there: one-stop-shop officer, specialist, leader, data steward) see its private datasets and drafts."""

from typing import Any

from smartgov.identity import authz

Role = authz.Role
PUBLISH = "opendata.dataset.publish"
READ_PRIVATE = "opendata.dataset.read_private"
WRITE_SCOPE = "opendata.write"
READ_SCOPE = "opendata.read"
#: The roles that make a person one of an agency's staff, for its private datasets.
MEMBER_ROLES = tuple(sorted(authz.AGENCY_ROLES))


@authz.policy(PUBLISH, scope=WRITE_SCOPE)
def _may_publish(principal: authz.Principal, agency: Any) -> bool:
    return agency is not None and authz.holds(principal.user, Role.DATA_STEWARD, agency=agency)


@authz.policy(READ_PRIVATE, scope=READ_SCOPE)
def _may_read_private(principal: authz.Principal, agency: Any) -> bool:
    return agency is not None and authz.holds(principal.user, *MEMBER_ROLES, agency=agency)


def private_agencies(subject: Any) -> set[int] | str:
    """The ids of the agencies whose private datasets ``subject`` (a principal, a request or an account; None for
    a visitor) may see, or ``authz.ALL``. A token needs the ``opendata.read`` scope for any of them."""
    if subject is None:
        return set()
    principal = authz.principal_of(subject)
    if not getattr(principal.user, "is_authenticated", False) or not principal.has_scope(READ_SCOPE):
        return set()
    return authz.agencies_with(principal.user, *MEMBER_ROLES)
