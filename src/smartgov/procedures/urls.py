"""The public services' pages: the catalog, the applicant's dossiers, the officers' work, payments and results."""

from django.urls import URLPattern, path

from smartgov.procedures import (
    views,
    views_applicant,
    views_kpi,
    views_officer,
    views_payment,
    views_portal,
    views_results,
)

app_name = "procedures"

urlpatterns: list[URLPattern] = [
    path("dich-vu-cong/", views.catalog, name="catalog"),
    path("dich-vu-cong/tra-cuu-ho-so/", views.lookup, name="lookup"),
    path("dich-vu-cong/<str:code>/", views.procedure_detail, name="procedure"),
    *views_applicant.urlpatterns,
    *views_kpi.urlpatterns,
    *views_officer.urlpatterns,
    *views_payment.urlpatterns,
    *views_results.urlpatterns,
    *views_portal.urlpatterns,
]
