"""The person's notifications and how they want to be told."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.notifications import selectors
from smartgov.notifications.services import notifications_read, preference_save


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if request.method == "POST":
        preference_save(
            user=me,
            email=request.POST.get("email") == "on",
            sms=request.POST.get("sms") == "on",
            language=request.POST.get("language", "vi"),
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:inbox")
    context = {
        "items": selectors.notifications_of(me),
        "unread": selectors.unread_count(me),
        "preference": selectors.preference_of(me),
        "channels": selectors.channels_for(me),
        "languages": settings.LANGUAGES,
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    notifications_read(user=_me(request))
    return redirect("notifications:inbox")
