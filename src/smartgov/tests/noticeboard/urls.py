from django.urls import path

from smartgov.tests.noticeboard import views

app_name = "noticeboard"

urlpatterns = [
    path("bang-tin/", views.board, name="board"),
    path("bang-tin/dang/", views.post, name="post"),
]
