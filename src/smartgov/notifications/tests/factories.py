"""Factories of the notifications' tests (factory_boy): people to tell, their messages and their choices."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from smartgov.notifications.models import Notification, Preference


class CitizenFactory(DjangoModelFactory):
    """A citizen's account (identity's user model, taken by its label: tests never import identity's models)."""

    class Meta:
        model = "identity.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"0311950{n:05d}")
    personal_id = factory.SelfAttribute("username")
    kind = "citizen"
    full_name = factory.Sequence(lambda n: f"Công dân {n}")


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(CitizenFactory)
    title = factory.Sequence(lambda n: f"Thông báo {n}")
    body = "…"
    created_at = factory.LazyFunction(timezone.now)


class PreferenceFactory(DjangoModelFactory):
    class Meta:
        model = Preference

    user = factory.SubFactory(CitizenFactory)
    email = True
    sms = True
    language = "vi"
