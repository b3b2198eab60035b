"""A person's copy of their data includes their notifications; erasing the account removes them."""

import pytest

from smartgov.notifications.models import Notification, Preference
from smartgov.notifications.tests.factories import CitizenFactory, NotificationFactory, PreferenceFactory
from smartgov.platform.personal_data import personal_data_erase, personal_data_sections

pytestmark = pytest.mark.django_db


def test_notifications_are_in_the_copy_and_go_with_the_account():
    mai = CitizenFactory(username="031195001234")
    other = CitizenFactory(username="031195009999")
    PreferenceFactory(user=mai, email=False, sms=True, language="en")
    NotificationFactory(user=mai, title="Hồ sơ đã được tiếp nhận")
    NotificationFactory(user=other, title="Not Mai's")

    section = personal_data_sections(mai)["notifications"]
    assert section["preferences"] == {"email": False, "sms": True, "language": "en"}
    assert [m["title"] for m in section["messages"]] == ["Hồ sơ đã được tiếp nhận"]

    personal_data_erase(mai)
    assert not Notification.objects.filter(user=mai).exists() and not Preference.objects.filter(user=mai).exists()
    assert Notification.objects.filter(user=other).count() == 1
