"""Fees from a procedure's schedule: fixed, per copy, tiered by pages, or by case — whole đồng.

``Procedure.fee_schedule`` (JSON, empty = the fixed ``fee_vnd``):

- ``{"per": "so_ban", "unit": 8000}``: ``fee_vnd`` plus 8,000 đồng for each copy the form asks for;
- ``{"per": "so_ban", "pages": "so_trang", "tiers": [[2, 2000], [null, 1000]], "unit_max": 200000}``: each
  copy costs 2,000 đồng a page for the first two pages and 1,000 for each further page, at most 200,000;
- ``{"cases": [{"field": "loai", "equals": "cap_moi", "amount": 75000}]}``: the first matching case's amount
  replaces ``fee_vnd``;
- ``"label": "bản sao trích lục"``: what a copy is, for the catalog's text.

The schedule is the one source of truth for fees: the amount charged (:func:`fee_for`, at submission) and the text
the catalog shows (:func:`fee_text`) are both read from it, so what the catalog says is what is charged
(``tests/test_catalog_terms.py`` checks it for every procedure).
"""

from typing import Any

from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError
from smartgov.platform.money import format_vnd

KEYS = {"per", "unit", "pages", "tiers", "unit_max", "cases", "label"}


def _count(form_data: dict[str, Any], field: str) -> int:
    value = form_data.get(field, 0)
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


def _tiered(pages: int, tiers: list[list[Any]]) -> int:
    total, counted = 0, 0
    for limit, price in tiers:
        take = pages - counted if limit is None else min(pages, int(limit)) - counted
        if take > 0:
            total += take * int(price)
            counted += take
    return total


def fee_for(*, fee_vnd: int, schedule: dict[str, Any], form_data: dict[str, Any]) -> int:
    """The fee in đồng for a dossier with ``form_data`` under ``schedule`` (see the module's docstring)."""
    amount = int(fee_vnd)
    for case in schedule.get("cases", []):
        if form_data.get(case.get("field")) == case.get("equals"):
            amount = int(case["amount"])
            break
    if "per" in schedule:
        copies = _count(form_data, schedule["per"])
        if "tiers" in schedule:
            unit = _tiered(_count(form_data, schedule.get("pages", "")), schedule["tiers"])
        else:
            unit = int(schedule.get("unit", 0))
        if schedule.get("unit_max") is not None:
            unit = min(unit, int(schedule["unit_max"]))
        amount += unit * copies
    return amount


def _tiers_text(tiers: list[list[Any]]) -> str:
    parts = []
    for number, (limit, price) in enumerate(tiers):
        values = {"price": format_vnd(int(price)), "n": int(limit) if limit is not None else 0}
        if number == 0 and limit is not None:
            parts.append(_("%(price)s a page for the first %(n)d pages") % values)
        elif limit is None:
            parts.append(_("%(price)s a page after that") % values if number else _("%(price)s a page") % values)
        else:
            parts.append(_("%(price)s a page up to page %(n)d") % values)
    return ", ".join(parts)


def fee_text(*, fee_vnd: int, schedule: dict[str, Any]) -> str:
    """What the catalog says about the fee, from the same schedule :func:`fee_for` charges by, e.g. "Miễn lệ phí;
    bản sao trích lục: 8.000 ₫/bản" for a birth registration (free, 8,000 đồng for each extract copy)."""
    parts: list[str] = []
    cases = schedule.get("cases", [])
    if cases:
        amounts = sorted({int(fee_vnd)} | {int(case["amount"]) for case in cases})
        parts.append(_("By case: %(amounts)s") % {"amounts": ", ".join(format_vnd(a) for a in amounts)})
    elif fee_vnd:
        parts.append(_("Fee %(amount)s") % {"amount": format_vnd(int(fee_vnd))})
    else:
        parts.append(_("No fee"))
    if "per" in schedule:
        what = str(schedule.get("label") or _("copies"))
        if "tiers" in schedule:
            each = _tiers_text(schedule["tiers"])
        else:
            each = _("%(price)s a copy") % {"price": format_vnd(int(schedule.get("unit", 0)))}
        if schedule.get("unit_max") is not None:
            each += ", " + _("at most %(price)s a copy") % {"price": format_vnd(int(schedule["unit_max"]))}
        parts.append(f"{what}: {each}")
    return "; ".join(parts)


def schedule_check(schedule: Any) -> None:
    """Refuse a schedule the calculator would not understand (catalog import)."""
    if not isinstance(schedule, dict) or set(schedule) - KEYS:
        raise DomainError(_("the fee schedule has unknown keys"))
    try:
        fee_for(fee_vnd=0, schedule=schedule, form_data={"so_ban": 1, "so_trang": 3})
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(_("the fee schedule is not valid")) from exc
