"""The workspace's pages."""

from django.urls import URLPattern, path

from smartgov.workspace import views

app_name = "workspace"

urlpatterns: list[URLPattern] = [
    path("can-bo/", views.home, name="home"),
    path("can-bo/tim-ho-so/", views.search, name="search"),
]
