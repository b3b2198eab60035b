from django.db.models import QuerySet

from smartgov.tests.noticeboard.models import Notice


def notices_recent(*, limit: int = 20) -> QuerySet[Notice]:
    return Notice._default_manager.select_related("posted_by")[:limit]
