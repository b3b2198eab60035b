"""The site's URL configuration: every installed app's pages and API, found through the app contract."""

from smartgov.platform.site import site_urlpatterns

urlpatterns = site_urlpatterns()

handler400 = "smartgov.platform.views.shell.bad_request"
handler403 = "smartgov.platform.views.shell.permission_denied"
handler404 = "smartgov.platform.views.shell.page_not_found"
handler500 = "smartgov.platform.views.shell.server_error"
