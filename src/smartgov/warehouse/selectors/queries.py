"""Reads of saved queries: a person's own, and those shared by colleagues of the agencies where they work."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.platform.errors import NotFound
from smartgov.warehouse.models import SavedQuery
from smartgov.warehouse.selectors.catalog import catalog_check


def saved_queries_for(user: Any) -> "QuerySet[SavedQuery]":
    """``user``'s saved queries and the shared ones of people holding a role in one of ``user``'s agencies (for
    civil servants: anyone else is refused)."""
    catalog_check(user)  # civil servants only
    mine = Q(owner=user)
    agencies = authz.agencies_with(user, *authz.Role.values)
    if agencies == authz.ALL:
        visible = mine | Q(shared=True)
    elif agencies:
        visible = mine | Q(shared=True, owner__roles__agency_id__in=agencies)
    else:
        visible = mine
    return SavedQuery.objects.filter(visible).select_related("owner").distinct().order_by("title", "pk")


def saved_query_for(user: Any, query_id: int) -> SavedQuery:
    """One saved query ``user`` may see."""
    found = saved_queries_for(user).filter(pk=query_id).first()
    if found is None:
        raise NotFound(_("There is no such saved query."))
    return found
