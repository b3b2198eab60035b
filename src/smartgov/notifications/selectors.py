"""Every read of notifications: a person's preferences and channels, their messages, what their copy of their
data holds."""

from django.db.models import QuerySet

from smartgov.identity.selectors import User
from smartgov.notifications.models import Channel, Delivery, Notification, Preference, PushSubscription


def preference_of(user: User) -> Preference:
    """The person's choices (the defaults, unsaved, when they never chose)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def channels_for(user: User) -> list[str]:
    """In the platform always; e-mail and SMS when the person wants them and proved the address or number."""
    preference = preference_of(user)
    channels = [Channel.IN_APP.value]
    if preference.email and user.email and user.email_verified_at:
        channels.append(Channel.EMAIL.value)
    if preference.sms and user.phone and user.phone_verified_at:
        channels.append(Channel.SMS.value)
    if PushSubscription.objects.filter(user=user).exists():  # a device the person turned notifications on
        channels.append(Channel.PUSH.value)
    return channels


def push_subscriptions_of(user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user)


def notifications_of(user: User, *, limit: int = 100) -> QuerySet[Notification]:
    """The person's newest messages."""
    return Notification.objects.filter(user=user)[:limit]


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_saved(user: User) -> Preference | None:
    """The person's saved choices (None when they never chose)."""
    return Preference.objects.filter(user=user).first()


def deliveries_of(user: User, *, limit: int = 1000) -> QuerySet[Delivery]:
    """What was sent to the person, newest first."""
    return Delivery.objects.filter(user=user).order_by("-created_at")[:limit]
