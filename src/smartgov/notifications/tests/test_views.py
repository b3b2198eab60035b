"""The person's notifications page: the messages, marking them read, their choices."""

import pytest
from django.urls import reverse

from smartgov.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_inbox_page(notify_verified, client, notify_on_commit, submit_dossier):
    notify_on_commit(submit_dossier, notify_verified)
    client.force_login(notify_verified.mai)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200 and "Đã tiếp nhận hồ sơ" in page.content.decode()
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    client.post(reverse("notifications:inbox"), {"email": "on", "language": "en"})
    page = client.get(reverse("notifications:inbox"))
    assert 'value="en" selected' in page.content.decode()
