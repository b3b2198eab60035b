"""Template helpers of the public services."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def processing_text(procedure: Any) -> str:
    """The catalog's processing time, as the appointment is computed (services/deadlines.py)."""
    from smartgov.procedures.services.deadlines import processing_text as text

    return text(procedure)


@register.filter
def fee_text(procedure: Any) -> str:
    """The catalog's fee, from the schedule the submission charges by (domain/fees.py)."""
    from smartgov.procedures.domain.fees import fee_text as text

    return text(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule or {})
