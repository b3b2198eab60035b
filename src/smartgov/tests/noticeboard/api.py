from django.http import HttpRequest
from ninja import Router, Schema

from smartgov.tests.noticeboard.selectors import notices_recent

router = Router(tags=["notice board"])


class NoticeOut(Schema):
    title: str
    body: str


@router.get("/notices", response=list[NoticeOut], summary="The newest notices")
def noticeboard_list(request: HttpRequest) -> list[NoticeOut]:
    return [NoticeOut(title=n.title, body=n.body) for n in notices_recent()]
