"""The person's space: the home of ``/tai-khoan/`` ("Smart Hải Phòng" for citizens), one card per section that the
apps declare in their ``space.py`` (platform.space), each with its line of counts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from smartgov.platform import space
from smartgov.platform.selectors.org import app_names


@login_required
def home(request: HttpRequest) -> HttpResponse:
    name, name_en = app_names()
    context = {
        "sections": space.sections_for(request),
        "app_name": name_en if translation.get_language() == "en" else name,
    }
    return render(request, "identity/home.html", context)
