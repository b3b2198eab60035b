"""Notification deliveries per second (in-app, e-mail and SMS, each sent once under its row lock) against a
no-op task through the same Celery path, in the same run."""

from __future__ import annotations

from _harness import Context, Result, prepare_site, site_script

SCRIPT = r"""
import json, sys, time, uuid
from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone
from smartgov.notifications.models import Delivery
from smartgov.notifications.tasks import deliver

count = json.loads(sys.stdin.read())["count"]

@shared_task(name="bench.noop")
def noop(delivery_id):
    return delivery_id

user = get_user_model().objects.create_user(username="031195009999", kind="citizen", full_name="Nguyễn Thị Mai",
    email="mai@example.vn", phone="0912345678", email_verified_at=timezone.now(), phone_verified_at=timezone.now())
context = {"code": "000.21.07.H31-261124-0001", "procedure": "Đăng ký khai sinh", "due": "17:00 27/11/2026"}
rows = [Delivery(event_id=uuid.uuid4(), user=user, channel=("in_app", "email", "sms")[i % 3], kind="submitted",
                 context=context, url="/ho-so-cua-toi/1/", created_at=timezone.now(), next_at=timezone.now())
        for i in range(count)]
Delivery.objects.bulk_create(rows)
ids = [str(r.pk) for r in rows]

start = time.perf_counter()
for pk in ids:
    noop.delay(pk)
noop_rate = count / (time.perf_counter() - start)
start = time.perf_counter()
for pk in ids:
    deliver.delay(pk)
deliver_rate = count / (time.perf_counter() - start)
assert Delivery.objects.filter(state="done").count() == count
print("BENCH-JSON " + json.dumps({"noop": noop_rate, "deliver": deliver_rate}))
"""


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=False)
    env.update(EMAIL_URL="dummymail://", CELERY_TASK_ALWAYS_EAGER="true")
    facts = site_script(SCRIPT, env, {"count": 300 * max(1, ctx.duration // 5)})
    return [
        Result("no-op task (baseline)", facts["noop"], "tasks/s"),
        Result("notification delivered (rendered, sent, recorded)", facts["deliver"], "deliveries/s",
               baseline="no-op task", ratio=facts["deliver"] / facts["noop"]),
    ]  # fmt: skip
