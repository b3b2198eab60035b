"""The OpenAPI document's enums say what the API answers (issue 13, finding 9): `/api/v1/platform/units` answered
``kind: "central_city"`` while the document's ``Kind`` enum was the agencies' (two enums of one name: the second
overwrote the first)."""

import enum
from collections import defaultdict

import pytest
from django.urls import reverse
from ninja import Schema

from smartgov.platform.api.site import api
from smartgov.platform.models import AdminUnit, Agency

pytestmark = pytest.mark.django_db


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _enum_values(document: dict, schema: dict) -> set[str]:
    schema = _resolve(document, schema)
    for option in schema.get("anyOf", []):
        if values := _enum_values(document, option):
            return values
    return set(schema.get("enum", []))


def _parameter(document: dict, path: str, name: str) -> dict:
    return next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


def test_every_value_the_models_allow_is_in_the_openapi_enums():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    unit_kinds = set(AdminUnit.Kind.values)
    assert _enum_values(document, schemas["UnitOut"]["properties"]["kind"]) == unit_kinds
    assert _enum_values(document, _parameter(document, "/api/v1/platform/units", "kind")) == unit_kinds
    generations = set(AdminUnit.Generation.values)
    assert _enum_values(document, schemas["UnitOut"]["properties"]["generation"]) == generations
    agency_kinds = _enum_values(document, _parameter(document, "/api/v1/platform/agencies", "kind"))
    assert agency_kinds == set(Agency.Kind.values)


def test_a_central_city_is_answered_as_the_document_says(client, small_units):
    document = client.get(reverse("api:openapi-json")).json()
    allowed = _enum_values(document, document["components"]["schemas"]["UnitOut"]["properties"]["kind"])
    units = client.get("/api/v1/platform/units", {"q": "31"}).json()
    assert units and {u["kind"] for u in units} <= allowed


def _schemas(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _schemas(sub)
    return found


def test_no_two_enums_of_the_api_share_a_name():
    """OpenAPI components are keyed by name: two enums of one name make the document lie about one of them."""
    api.get_openapi_schema()  # every router loaded
    by_name: dict[str, set[type]] = defaultdict(set)
    for schema in _schemas(Schema):
        if not schema.__module__.startswith("smartgov."):
            continue
        for field in schema.model_fields.values():
            for kind in (field.annotation, *getattr(field.annotation, "__args__", ())):
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    by_name[kind.__name__].add(kind)
    clashes = {name: sorted(f"{k.__module__}.{k.__qualname__}" for k in kinds) for name, kinds in by_name.items()}
    assert {name: kinds for name, kinds in clashes.items() if len(kinds) > 1} == {}
