from django.contrib import admin
from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from smartgov.api import api

# OpenID Connect provider under /o/ (issuer http(s)://<host>/o): authorize, token, revocation, introspection,
# userinfo, JWKS, discovery, RP-initiated logout. Clients are registered by admins, so the self-service management
# views are not mounted, nor the device flow, which no SmartGov client uses.
_OAUTH_ENDPOINTS = {"authorize", "token", "revoke-token", "introspect"}
oidc_patterns = (
    [p for p in oauth2_urls.base_urlpatterns if p.name in _OAUTH_ENDPOINTS] + oauth2_urls.oidc_urlpatterns,
    "oauth2_provider",
)

urlpatterns = [
    path("o/", include(oidc_patterns)),
    path("", include("smartgov.identity.views")),
    path("", include("smartgov.procedures.views")),
    path("", include("smartgov.notifications.views")),
    path("", include("smartgov.exchange.views")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("smartgov.platform.urls")),
]

handler400 = "smartgov.platform.views.shell.bad_request"
handler403 = "smartgov.platform.views.shell.permission_denied"
handler404 = "smartgov.platform.views.shell.page_not_found"
handler500 = "smartgov.platform.views.shell.server_error"
