"""The site's addresses, assembled from the installed apps' ``urls`` modules (docs/kernel.md §1).

Each app's ``urls.urlpatterns`` is mounted at the root under its ``app_name`` namespace, in ``INSTALLED_APPS``
order, the platform's own pages last (they hold the home page). An app's ``urls.site_urlpatterns`` are mounted
outside its namespace (the OpenID Connect provider keeps django-oauth-toolkit's names that way).
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from smartgov.platform.contract import contract_apps

URLs = list[URLPattern | URLResolver]


def site_urlpatterns() -> URLs:
    from smartgov.platform.api.site import api

    patterns: URLs = [
        path("api/v1/", api.urls),
        path("admin/", admin.site.urls),
        path("i18n/", include("django.conf.urls.i18n")),
    ]
    apps = sorted(contract_apps(), key=lambda config: config.label == "platform")  # stable: the platform last
    for config in apps:
        module = config.part("urls")
        if module is None:
            continue
        patterns += getattr(module, "site_urlpatterns", [])
        if getattr(module, "urlpatterns", None):
            patterns.append(path("", include(module)))
    return patterns
