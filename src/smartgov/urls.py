from django.contrib import admin
from django.urls import include, path

from smartgov.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("smartgov.platform.urls")),
]

handler400 = "smartgov.platform.views.shell.bad_request"
handler403 = "smartgov.platform.views.shell.permission_denied"
handler404 = "smartgov.platform.views.shell.page_not_found"
handler500 = "smartgov.platform.views.shell.server_error"
