"""The installable app: the Web App Manifest, the service worker, the offline page, the favicon and the icons.

One manifest for the whole site: citizens ("Smart …") and officers ("Egov …") use one origin and one sign-in, and the
workspace a person lands on follows their roles, so a second manifest would claim the same scope (browsers keep one
app per scope). The service worker is served from the site's root so its scope covers every page; what it may cache
is in docs/frontend.md ("Installable app")."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from smartgov.platform.icons import SIZES, favicon_ico, icon_png
from smartgov.platform.selectors.org import app_names, locality_get

#: A year for the icons (their address changes with the emblem: ``?v=`` in base.html), a day for the manifest.
ICON_SECONDS = 365 * 24 * 3600
MANIFEST_SECONDS = 24 * 3600

#: The shell's files, fetched at install so the offline page shows with its looks (the fonts' files follow at
#: first use, cache-first like every other /static/ file).
PRECACHE = (
    "smartgov/css/site.css",
    "vendor/be-vietnam-pro/400.css",
    "vendor/be-vietnam-pro/600.css",
    "smartgov/img/emblem.svg",
    "smartgov/js/api-forms.js",
    "smartgov/js/shell.js",
)


@require_safe
@cache_control(public=True, max_age=MANIFEST_SECONDS)
def manifest(request: HttpRequest) -> HttpResponse:
    """The Web App Manifest, in Vietnamese (browsers fetch it without cookies, so without the language choice)."""
    name, _name_en = app_names()
    locality = locality_get()
    icons: list[dict[str, Any]] = [
        {"src": reverse("platform:icon", args=[size]), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in SIZES
    ]
    icons.append(
        {"src": reverse("platform:icon-maskable"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
    )
    icons.append({"src": static("smartgov/img/emblem.svg"), "sizes": "any", "type": "image/svg+xml"})
    with translation.override("vi"):
        document = {
            "id": "/",
            "name": name,
            "short_name": name,
            "description": locality.portal_name if locality else "SmartGov",
            "lang": "vi",
            "dir": "ltr",
            "start_url": "/?nguon=ung-dung",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f4f5f7",
            "theme_color": "#a50e0e",
            "icons": icons,
            "shortcuts": _shortcuts(),
        }
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


#: The installed app's shortcuts (a long press on its icon): the apps' pages most used, when installed.
SHORTCUTS = (
    (gettext_lazy("My dossiers"), "procedures:my-dossiers"),
    (gettext_lazy("Notifications"), "notifications:inbox"),
)


def _shortcuts() -> list[dict[str, str]]:
    found = []
    for label, url_name in SHORTCUTS:
        try:
            found.append({"name": str(label), "url": reverse(url_name)})
        except NoReverseMatch:  # the platform without that app
            continue
    return found


@require_safe
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so its scope is the whole site. Never cached by HTTP: a deployment with new
    static files changes these bytes (the cache's name is a digest of their addresses) and browsers update it."""
    assets = [static(name) for name in PRECACHE]
    offline_url = reverse("platform:offline")
    version = hashlib.sha256("\n".join([*assets, offline_url]).encode()).hexdigest()[:12]
    # a developer's static files keep their names when they change (no manifest storage): network first there
    config = json.dumps(
        {
            "version": version,
            "assets": assets,
            "offline": offline_url,
            "static": static(""),
            "staticFirst": not settings.DEBUG,
        }
    )
    script = render_to_string("platform/sw.js", {"config": config})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
@cache_control(public=True, max_age=MANIFEST_SECONDS)
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be loaded. It holds nothing personal: the worker fetches it
    without cookies, as a visitor."""
    return render(request, "platform/offline.html")


@require_safe
@cache_control(public=True, max_age=ICON_SECONDS)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(favicon_ico(), content_type="image/x-icon")


@require_safe
@cache_control(public=True, max_age=ICON_SECONDS)
def icon(request: HttpRequest, size: int) -> HttpResponse:
    if size not in SIZES:
        from django.http import Http404

        raise Http404
    return HttpResponse(icon_png(size), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=ICON_SECONDS)
def icon_maskable(request: HttpRequest) -> HttpResponse:
    return HttpResponse(icon_png(512, maskable=True), content_type="image/png")


urlpatterns: list[URLPattern] = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("ngoai-tuyen/", offline, name="offline"),
    path("favicon.ico", favicon, name="favicon"),
    path("bieu-tuong/<int:size>.png", icon, name="icon"),
    path("bieu-tuong/maskable.png", icon_maskable, name="icon-maskable"),
]
