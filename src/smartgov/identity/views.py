"""Sign-in and sign-out pages of the identity provider (every SmartGov page and client signs in here)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

app_name = "identity"


class SignInView(auth_views.LoginView):
    template_name = "identity/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}


urlpatterns: list[URLPattern] = [
    path("dang-nhap/", SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
