"""The public services' pages: the catalog, the applicant's dossiers, the officers' work, payments and results."""

from django.urls import URLPattern, path

from smartgov.procedures.views import (
    account,
    applicant,
    catalog,
    intake,
    kpi,
    officer,
    payment,
    portal,
    results,
    standin,
    stewards,
)

app_name = "procedures"

urlpatterns: list[URLPattern] = [
    path("dich-vu-cong/", catalog.catalog, name="catalog"),
    path("dich-vu-cong/tra-cuu-ho-so/", catalog.lookup, name="lookup"),
    path("dich-vu-cong/<str:code>/", catalog.procedure_detail, name="procedure"),
    *applicant.urlpatterns,
    *kpi.urlpatterns,
    *officer.urlpatterns,
    *payment.urlpatterns,
    *results.urlpatterns,
    *portal.urlpatterns,
    *intake.urlpatterns,
    *standin.urlpatterns,
    *stewards.urlpatterns,
    *account.urlpatterns,
]
