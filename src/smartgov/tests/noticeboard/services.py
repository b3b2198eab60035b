from typing import Any

from django.db import transaction
from django.utils import timezone

from smartgov.platform.errors import DomainError
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish
from smartgov.tests.noticeboard.models import Notice


def notice_post(*, actor: Any, title: str, body: str = "") -> Notice:
    if not title.strip():
        raise DomainError("A notice needs a title.")
    with transaction.atomic():
        notice = Notice._default_manager.create(
            title=title.strip(), body=body, posted_by=actor, posted_at=timezone.now()
        )
        audit_record(actor=actor, action="noticeboard.notice.post", obj=notice, changes={"title": [None, title]})
        event_publish(
            topic="noticeboard.notice.posted",
            payload={"notice": notice.pk, "title": notice.title, "posted_by": actor.pk},
            obj=notice,
        )
    return notice
