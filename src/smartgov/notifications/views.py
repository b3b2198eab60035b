"""The person's notifications and how they want to be told."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.notifications import selectors
from smartgov.notifications.services import notifications_read, preference_save, push_subscribe, push_unsubscribe
from smartgov.platform.errors import DomainError


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
        "push_devices": selectors.push_subscriptions_of(me).count(),
        "push_key": _push_key(),
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    notifications_read(user=_me(request))
    return redirect("notifications:inbox")


def _push_key() -> str:
    from smartgov.notifications.push import public_key

    return public_key()


@login_required
@require_POST
def push_device(request: HttpRequest) -> JsonResponse:
    """The notifications page's script turns push on (``{"subscription": PushSubscription.toJSON()}``) or off
    (``{"endpoint": …, "off": true}``) for this device."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
        if data.get("off"):
            push_unsubscribe(user=_me(request), endpoint=str(data.get("endpoint", "")))
            return JsonResponse({"message": _("Notifications are off on this device.")})
        info = data.get("subscription") or {}
        keys = info.get("keys") or {}
        push_subscribe(
            user=_me(request),
            endpoint=str(info.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )
    except (ValueError, AttributeError):
        return JsonResponse({"message": _("This browser gave no valid push subscription.")}, status=400)
    except DomainError as exc:
        return JsonResponse({"message": exc.message}, status=400)
    return JsonResponse({"message": _("Notifications are on on this device.")})
