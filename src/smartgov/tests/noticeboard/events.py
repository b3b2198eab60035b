from smartgov.platform.events import Payload, Topic


class NoticePosted(Payload):
    notice: int
    title: str
    posted_by: int


TOPICS = [Topic("noticeboard.notice.posted", NoticePosted, description="A notice was posted.")]
