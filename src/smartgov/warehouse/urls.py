"""The warehouse's pages."""

from django.urls import URLPattern, path

from smartgov.warehouse.views import query, runs

app_name = "warehouse"

urlpatterns: list[URLPattern] = [
    # ingestion, runs and versions (views/runs.py)
    path("kho-du-lieu/bang/<slug:database>/<slug:table>/tai-len/", runs.upload, name="upload"),
    path("kho-du-lieu/bang/<slug:database>/<slug:table>/phien-ban/", runs.versions, name="versions"),
    path(
        "kho-du-lieu/bang/<slug:database>/<slug:table>/phien-ban/<int:version>/khoi-phuc/",
        runs.restore,
        name="restore",
    ),
    path("kho-du-lieu/lan-nap/<uuid:run_id>/", runs.run_page, name="run"),
    path("kho-du-lieu/lan-nap/<uuid:run_id>/trang-thai/", runs.run_status, name="run-status"),
    path("kho-du-lieu/lan-nap/<uuid:run_id>/dong-bi-loai.csv", runs.run_rejected, name="run-rejected"),
    path("kho-du-lieu/lan-nap/<uuid:run_id>/tep-goc/", runs.run_original, name="run-original"),
    # governed query (views/query.py)
    path("kho-du-lieu/truy-van/", query.query, name="query"),
    path("kho-du-lieu/truy-van/xuat/", query.export, name="query-export"),
    path("kho-du-lieu/truy-van/luu/", query.save, name="query-save"),
    path("kho-du-lieu/truy-van/da-luu/<int:query_id>/xoa/", query.delete, name="query-delete"),
]
