"""Template filters for amounts in VND: ``{{ fee|vnd }}``, ``{{ fee|vnd_words }}``."""

from django import template

from smartgov.platform.money import format_vnd, vnd_in_words

register = template.Library()


@register.filter
def vnd(amount: int) -> str:
    return format_vnd(amount)


@register.filter
def vnd_words(amount: int) -> str:
    return vnd_in_words(amount)
