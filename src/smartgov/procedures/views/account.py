"""The applicant's fees in their space: what to pay now and the e-receipts of what they paid."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from smartgov.identity.selectors import User
from smartgov.procedures.selectors import payments_of


@login_required
def my_payments(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "procedures/my_payments.html", payments_of(user=user))


urlpatterns: list[URLPattern] = [
    path("tai-khoan/thanh-toan/", my_payments, name="my-payments"),
]
