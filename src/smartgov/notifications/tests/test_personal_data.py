"""A person's copy of their data includes their notifications; erasing the account removes them."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartgov.notifications.models import Notification, Preference
from smartgov.platform.personal_data import personal_data_erase, personal_data_sections

pytestmark = pytest.mark.django_db


def test_notifications_are_in_the_copy_and_go_with_the_account():
    users = get_user_model().objects
    mai = users.create_user(username="031195001234", kind="citizen", personal_id="031195001234")
    other = users.create_user(username="031195009999", kind="citizen", personal_id="031195009999")
    Preference.objects.create(user=mai, email=False, sms=True, language="en")
    Notification.objects.create(user=mai, title="Hồ sơ đã được tiếp nhận", body="…", created_at=timezone.now())
    Notification.objects.create(user=other, title="Not Mai's", body="…", created_at=timezone.now())

    section = personal_data_sections(mai)["notifications"]
    assert section["preferences"] == {"email": False, "sms": True, "language": "en"}
    assert [m["title"] for m in section["messages"]] == ["Hồ sơ đã được tiếp nhận"]

    personal_data_erase(mai)
    assert not Notification.objects.filter(user=mai).exists() and not Preference.objects.filter(user=mai).exists()
    assert Notification.objects.filter(user=other).count() == 1
