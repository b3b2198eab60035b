"""The data-exchange gateway's pages."""

from django.urls import URLPattern, path

from smartgov.exchange import views

app_name = "exchange"

urlpatterns: list[URLPattern] = [
    path("truc-lien-thong/", views.dashboard, name="dashboard"),
    path("truc-lien-thong/chu-de/<int:topic_id>/gui-lai/", views.dead_letters, name="dead-letters-retry"),
]
