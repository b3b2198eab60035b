"""The header's unread count costs one query, on the partial index of unread rows, and is announced in words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartgov.notifications.tests.factories import CitizenFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def test_unread_count_in_the_header_is_one_query(client, hai_phong):
    from django.utils import timezone

    me = CitizenFactory()
    NotificationFactory.create_batch(4, user=me)
    NotificationFactory(user=me, read_at=timezone.now())
    NotificationFactory.create_batch(2)  # someone else's
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/dich-vu-cong/")
    assert "4 thông báo chưa đọc" in page.text
    counting = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1, counting
    assert '"read_at" IS NULL' in counting[0]


def test_visitors_see_no_count(client, hai_phong):
    assert "chưa đọc" not in client.get("/").text


def test_the_index_covers_unread_rows_only():
    from smartgov.notifications.models import Notification

    (index,) = [i for i in Notification._meta.indexes if i.name == "notification_unread_idx"]
    assert index.fields == ["user"] and "read_at__isnull" in str(index.condition)
