"""The open data portal's addresses: each action of the CKAN Action API at ``/api/3/action/<name>`` and
``/api/action/<name>`` (with or without a trailing slash, so no client is redirected), an unknown action's answer,
the uploaded files' downloads, and the DCAT-AP catalogue and records (``/catalog.ttl|rdf|jsonld``,
``/dataset/<name>.ttl|rdf|jsonld``)."""

from django.urls import path, re_path

from smartgov.opendata import views
from smartgov.opendata.ckan.actions import ACTIONS
from smartgov.opendata.ckan.views import action_view

app_name = "opendata"

urlpatterns = [
    *(re_path(rf"^api/(?:3/)?action/{name}/?$", action_view, {"action_name": name}, name=name) for name in ACTIONS),
    re_path(r"^api/(?:3/)?action/(?P<action_name>[^/]{0,200})/?$", action_view, name="action-unknown"),
    path(
        "dataset/<uuid:dataset>/resource/<uuid:resource>/download/<str:filename>",
        views.resource_download,
        name="resource-download",
    ),
    re_path(r"^catalog\.(?P<extension>ttl|rdf|jsonld)$", views.dcat_catalog, name="dcat-catalog"),
    re_path(r"^dataset/(?P<name>[^/.]+)\.(?P<extension>ttl|rdf|jsonld)$", views.dcat_dataset, name="dcat-dataset"),
]
