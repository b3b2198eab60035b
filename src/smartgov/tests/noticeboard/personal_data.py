from typing import Any

from smartgov.platform.personal_data import personal_data_exporter
from smartgov.tests.noticeboard.models import Notice


@personal_data_exporter("notices_posted")
def _export(user: Any) -> list[dict[str, Any]]:
    return [{"title": n.title, "at": n.posted_at.isoformat()} for n in Notice._default_manager.filter(posted_by=user)]
