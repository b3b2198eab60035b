"""``{% form_key %}``: the hidden input with a fresh form key, put next to ``{% csrf_token %}`` in every form that
changes something (``smartgov.platform.formkeys``). A built-in of the site's templates: no ``{% load %}`` needed."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from smartgov.platform.formkeys import FIELD, form_key_new

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context: template.Context) -> SafeString:
    request = context.get("request")
    if request is not None:
        request.form_key_issued = True  # the page is never cached: its key is for one browser
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, form_key_new())
