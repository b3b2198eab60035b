"""The notifications' pages."""

from django.urls import URLPattern, path

from smartgov.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("tai-khoan/thong-bao/", views.inbox, name="inbox"),
    path("tai-khoan/thong-bao/da-doc/", views.read_all, name="read-all"),
    path("tai-khoan/thong-bao/thiet-bi/", views.push_device, name="push-device"),
]
