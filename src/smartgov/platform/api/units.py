"""Administrative units: search, detail, and the old→new relation."""

from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from smartgov.platform.api.choices import choices_enum
from smartgov.platform.errors import NotFound
from smartgov.platform.models import AdminUnit, AdminUnitSuccession
from smartgov.platform.selectors.units import unit_get, unit_predecessors, unit_search, unit_successors
from smartgov.platform.text import SEARCH_MAX_CHARS

router = Router(tags=["administrative units"])

if TYPE_CHECKING:  # the model's choices, for mypy
    UnitKind = AdminUnit.Kind
    UnitGeneration = AdminUnit.Generation
else:  # named for the OpenAPI document (platform.api.choices)
    UnitKind = choices_enum("UnitKind", AdminUnit.Kind)
    UnitGeneration = choices_enum("UnitGeneration", AdminUnit.Generation)


class UnitOut(Schema):
    generation: UnitGeneration
    level: int = Field(description="1 province, 2 district (legacy only), 3 commune/ward/special zone")
    kind: UnitKind
    code: str = Field(description="NSO code: 2 digits province, 3 district, 5 commune")
    name: str
    parent_code: str | None
    parent_name: str | None
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def from_model(unit: AdminUnit) -> "UnitOut":
        return UnitOut(
            generation=UnitGeneration(unit.generation),
            level=unit.level,
            kind=UnitKind(unit.kind),
            code=unit.code,
            name=unit.name,
            parent_code=unit.parent.code if unit.parent else None,
            parent_name=unit.parent.name if unit.parent else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )


class SuccessionOut(Schema):
    predecessor: UnitOut
    successor: UnitOut
    is_partial: bool = Field(description="Only part of the old unit went into this one (it was split)")
    needs_review: bool = Field(description="A person must decide, per record, which successor applies")
    effective_on: date
    legal_basis: str

    @staticmethod
    def from_model(edge: AdminUnitSuccession) -> "SuccessionOut":
        return SuccessionOut(
            predecessor=UnitOut.from_model(edge.predecessor),
            successor=UnitOut.from_model(edge.successor),
            is_partial=edge.is_partial,
            needs_review=edge.needs_review,
            effective_on=edge.effective_on,
            legal_basis=edge.legal_basis,
        )


class UnitFilter(Schema):
    q: str = Field("", max_length=SEARCH_MAX_CHARS, description="Name (with or without diacritics) or NSO code")
    generation: UnitGeneration | None = None
    level: int | None = Field(None, ge=1, le=3)
    kind: UnitKind | None = None
    parent: str | None = Field(None, max_length=5, description="NSO code of the parent province or district")
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=list[UnitOut], summary="Search administrative units")
def search_units(request: HttpRequest, filters: Query[UnitFilter]) -> list[UnitOut]:
    units = unit_search(
        query=filters.q,
        generation=filters.generation.value if filters.generation else None,
        level=filters.level,
        kind=filters.kind.value if filters.kind else None,
        parent_code=filters.parent,
        limit=filters.limit,
    )
    return [UnitOut.from_model(u) for u in units]


@router.get("/legacy/{code}/successors", response=list[SuccessionOut], summary="What a legacy commune became")
def successors(request: HttpRequest, code: str) -> list[SuccessionOut]:
    edges = unit_successors(code=code)
    if edges is None:
        raise NotFound(_("No legacy commune-level unit has the code %(code)s.") % {"code": code})
    return [SuccessionOut.from_model(e) for e in edges]


@router.get("/2025/{code}/predecessors", response=list[SuccessionOut], summary="Which legacy communes formed a unit")
def predecessors(request: HttpRequest, code: str) -> list[SuccessionOut]:
    edges = unit_predecessors(code=code)
    if edges is None:
        raise NotFound(_("No current commune-level unit has the code %(code)s.") % {"code": code})
    return [SuccessionOut.from_model(e) for e in edges]


@router.get("/{generation}/{code}", response=UnitOut, summary="One administrative unit")
def get_unit(request: HttpRequest, generation: UnitGeneration, code: str) -> UnitOut:
    unit = unit_get(generation=generation.value, code=code)
    if unit is None:
        raise NotFound(_("No administrative unit has the code %(code)s.") % {"code": code})
    return UnitOut.from_model(unit)
