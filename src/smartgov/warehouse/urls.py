"""The warehouse's pages (docs/warehouse.md): the catalog and the progress page; the runs and queries pages add
their own ``urlpatterns`` here."""

from django.urls import URLPattern

from smartgov.warehouse.views import catalog, query, runs

app_name = "warehouse"

urlpatterns: list[URLPattern] = [
    *catalog.urlpatterns,
    *runs.urlpatterns,
    *query.urlpatterns,
]
