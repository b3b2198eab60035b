"""Pages of the shared kernel: each area keeps its own ``urlpatterns`` in views/<area>.py."""

from smartgov.platform.views import agencies, calendar, pwa, shell, units

app_name = "platform"

urlpatterns = [
    *shell.urlpatterns,
    *units.urlpatterns,
    *agencies.urlpatterns,
    *calendar.urlpatterns,
    *pwa.urlpatterns,
]
