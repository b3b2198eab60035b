"""Dates on pages as day/month/year: ``{% day_input_attrs %}`` / ``{% moment_input_attrs %}`` give a text input
the attributes of ``smartgov.platform.dates`` (pattern, placeholder, message for dates.js); ``|day`` shows an ISO
date string from a form's JSON as ``20/11/2026``."""

from typing import Any

from django import template
from django.forms.utils import flatatt
from django.utils.safestring import SafeString

from smartgov.platform.dates import day_attrs, show_day

register = template.Library()


@register.simple_tag
def day_input_attrs() -> SafeString:
    return flatatt(day_attrs())


@register.simple_tag
def moment_input_attrs() -> SafeString:
    return flatatt(day_attrs(moment=True))


@register.filter
def day(value: Any) -> Any:
    return show_day(value)
