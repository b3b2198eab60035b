from django.contrib.auth import get_user_model

from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.tests.noticeboard.models import Notice
from smartgov.tests.noticeboard.services import notice_post


def _load(ctx: DemoContext) -> int:
    if Notice._default_manager.exists():
        return 0
    author = get_user_model().objects.filter(kind="staff").order_by("pk").first()
    if author is None:
        return 0
    notice_post(actor=author, title="Lịch tiếp công dân tháng 12")
    return 1


STEPS = [DemoStep("notices", _load, after=("identity.accounts",))]
