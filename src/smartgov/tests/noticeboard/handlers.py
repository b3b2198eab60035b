from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent
from smartgov.tests.noticeboard.models import NoticeRead


@subscriber("noticeboard.notice.posted", name="noticeboard.mark_read")
def mark_read(event: OutboxEvent) -> None:
    NoticeRead._default_manager.get_or_create(notice_id=event.payload["notice"])
