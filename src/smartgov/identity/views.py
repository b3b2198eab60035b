"""Sign-in and sign-out pages of the identity provider (every SmartGov page and client signs in here)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from smartgov.identity.forms import RegistrationForm
from smartgov.identity.services import account_register
from smartgov.platform.errors import Conflict

app_name = "identity"


class SignInView(auth_views.LoginView):
    template_name = "identity/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("platform:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_register(
                kind=data["kind"],
                identifier=data["identifier"],
                full_name=data["full_name"],
                password=data["password"],
                phone=data["phone"],
                email=data.get("email") or "",
                request=request,
            )
        except Conflict as exc:
            form.add_error("identifier", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect("platform:home")
    return render(request, "identity/register.html", {"form": form}, status=400 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("dang-ky/", register, name="register"),
    path("dang-nhap/", SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
