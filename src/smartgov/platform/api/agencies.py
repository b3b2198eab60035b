"""Agencies of the locality: list and detail."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from smartgov.platform.api.choices import choices_enum
from smartgov.platform.api.pagination import PageQuery
from smartgov.platform.errors import NotFound
from smartgov.platform.models import Agency
from smartgov.platform.selectors.org import agency_get, agency_list
from smartgov.platform.text import SEARCH_MAX_CHARS

router = Router(tags=["agencies"])

if TYPE_CHECKING:  # the model's choices, for mypy
    AgencyKind = Agency.Kind
else:  # named for the OpenAPI document (platform.api.choices)
    AgencyKind = choices_enum("AgencyKind", Agency.Kind)


class AgencyOut(Schema):
    code: str = Field(description="Electronic agency ID (Decision 20/2020/QĐ-TTg)")
    name: str
    name_en: str
    short_name: str
    kind: str
    parent_code: str | None
    admin_unit_code: str | None = Field(description="NSO code of the administrative unit the agency serves")
    admin_unit_name: str | None
    address: str
    phone: str
    email: str

    @staticmethod
    def from_model(agency: Agency) -> "AgencyOut":
        return AgencyOut(
            code=agency.code,
            name=agency.name,
            name_en=agency.name_en,
            short_name=agency.short_name,
            kind=agency.kind,
            parent_code=agency.parent.code if agency.parent else None,
            admin_unit_code=agency.admin_unit.code if agency.admin_unit else None,
            admin_unit_name=agency.admin_unit.name if agency.admin_unit else None,
            address=agency.address,
            phone=agency.phone,
            email=agency.email,
        )


class AgencyPage(Schema):
    count: int
    items: list[AgencyOut]


class AgencyFilter(PageQuery):
    q: str = Field("", max_length=SEARCH_MAX_CHARS, description="Name or ID; Vietnamese with or without diacritics")
    kind: AgencyKind | None = None


@router.get("", response=AgencyPage, summary="List agencies")
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> AgencyPage:
    agencies = agency_list(query=filters.q, kind=filters.kind.value if filters.kind else "")
    page = agencies[filters.offset : filters.offset + filters.limit]
    return AgencyPage(count=agencies.count(), items=[AgencyOut.from_model(a) for a in page])


@router.get("/{code}", response=AgencyOut, summary="One agency by its electronic ID")
def get_agency(request: HttpRequest, code: str) -> AgencyOut:
    agency = agency_get(code=code)
    if agency is None:
        raise NotFound(_("No agency has the electronic ID %(code)s.") % {"code": code})
    return AgencyOut.from_model(agency)
