"""The data-exchange part of the Hai Phong demo.

Registered: the Ministry of Public Security's national population database (the stand-in of population.py,
served by the platform itself at /mo-phong/csdl-dan-cu/) with its ``citizens`` service; the city's one-stop
shop system (``MOTCUA``), which officers use to check an applicant; the Department of Justice's civil-status
system (``HOTICH``), a department consumer with a TLS client certificate written to
``VAR_DIR/exchange-demo/hotich/``; the topic ``ho-tich.khai-sinh`` (a birth registered), published by the
one-stop shop, to which the Department of Health's vaccination system subscribes (its webhook: the demo
receiver). The one-stop shop's API key goes to ``SMARTGOV_EXCHANGE_KEY_FILE``. A week of past traffic is written
through the message journal (chained and signed like real calls) so the monitoring page has something to show.
Runs once.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from smartgov.exchange import selectors
from smartgov.exchange import services as ex
from smartgov.exchange.gateway import DEMO_PROVIDER, DEMO_RECEIVER
from smartgov.exchange.messagelog.journal import Journal
from smartgov.exchange.models import Member
from smartgov.exchange.population import OPENAPI, RECORDS
from smartgov.exchange.services import events
from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest
from smartgov.platform.demo import DemoStep
from smartgov.platform.models import Agency
from smartgov.platform.pki import private_file_write


def _agency_member(code: str, name: str) -> Member:
    """A city agency as a member of the exchange (member class GOV, its code the agency's)."""
    agency = Agency.objects.filter(code=code).first()
    return ex.member_register(actor=None, member_class="GOV", code=code, name=name, agency=agency)


def _demo_url(path: str) -> str:
    return f"{settings.SMARTGOV_SITE_URL}{path}"


def demo_exchange(*, history: int = 2000) -> int:
    if selectors.subsystem_exists("MOTCUA"):
        return _follow_the_site()
    police = ex.member_register(actor=None, member_class="GOV", code="000.00.00.G01", name="Bộ Công an")
    population = ex.subsystem_register(
        actor=None, member=police, code="CSDLQGDC", name="Cơ sở dữ liệu quốc gia về dân cư"
    )
    citizens = ex.service_register(
        actor=None,
        provider=population,
        code="citizens",
        title="Tra cứu thông tin công dân",
        url=_demo_url(DEMO_PROVIDER),
        openapi=OPENAPI,
        timeout_ms=10_000,
    )
    city = _agency_member("000.00.00.H31", "Ủy ban nhân dân thành phố Hải Phòng")
    one_stop = ex.subsystem_register(
        actor=None, member=city, code="MOTCUA", name="Hệ thống thông tin giải quyết thủ tục hành chính"
    )
    justice = _agency_member("000.00.04.H31", "Sở Tư pháp")
    civil = ex.subsystem_register(actor=None, member=justice, code="HOTICH", name="Phần mềm hộ tịch")
    ex.access_grant(actor=None, service=citizens, subsystem=one_stop)
    ex.access_grant(actor=None, service=citizens, subsystem=civil)
    _row, key = ex.api_key_issue(actor=None, subsystem=one_stop, label="Cổng dịch vụ công (demo)")
    private_file_write(Path(settings.SMARTGOV_EXCHANGE_KEY_FILE), (key + "\n").encode())
    _cert, key_pem, cert_pem = ex.certificate_issue(actor=None, subsystem=civil)
    ex.certificate_files_write(Path(settings.VAR_DIR) / "exchange-demo" / "hotich", key_pem=key_pem, cert_pem=cert_pem)
    health = _agency_member("000.00.09.H31", "Sở Y tế")
    vaccination = ex.subsystem_register(actor=None, member=health, code="TIEMCHUNG", name="Quản lý tiêm chủng")
    births = events.topic_register(
        actor=None, code="ho-tich.khai-sinh", title="Đăng ký khai sinh đã hoàn thành", publisher=one_stop
    )
    events.subscription_add(actor=None, topic=births, subscriber=vaccination, url=_demo_url(f"{DEMO_RECEIVER}/"))
    _history(history)
    return 1


def _follow_the_site() -> int:
    """The demo served on another address than last time (``make demo PORT=…``): its stand-ins move with it."""
    moved = 0
    service = selectors.service_find(code="citizens", provider_code="CSDLQGDC")
    if service is not None and service.url != _demo_url(DEMO_PROVIDER):
        ex.service_register(
            actor=None, provider=service.provider, code=service.code, title=service.title, url=_demo_url(DEMO_PROVIDER),
            openapi=service.openapi, timeout_ms=service.timeout_ms,
        )  # fmt: skip
        moved += 1
    for subscription in selectors.subscriptions_at(DEMO_RECEIVER).exclude(url=_demo_url(f"{DEMO_RECEIVER}/")):
        events.subscription_move(actor=None, subscription=subscription, url=_demo_url(f"{DEMO_RECEIVER}/"))
        moved += 1
    return moved


def _history(count: int) -> None:
    """A week of calls, as the journal would have them, taken into the chained and signed log."""
    rng = random.Random(2026)  # noqa: S311 - demo data
    journal = Journal()
    now = datetime.now(tz=UTC)
    ids = list(RECORDS)
    clients = ["VN-HP/GOV/000.00.00.H31/MOTCUA"] * 3 + ["VN-HP/GOV/000.00.04.H31/HOTICH"]
    service = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    for _ in range(count):
        moment = now - timedelta(minutes=rng.randrange(7 * 24 * 60))
        hour = (moment.hour + 7) % 24
        if hour < 7 or hour > 18:
            moment -= timedelta(hours=10)  # office hours mostly
        fate = rng.random()
        status, error = (
            (200, "")
            if fate < 0.93
            else (404, "")
            if fate < 0.98
            else (504, "Server.ServerProxy.ServiceFailed.Timeout")
        )
        provider_ms = round(rng.lognormvariate(2.3, 0.5), 3)
        journal.write(
            {
                "record_id": str(uuid.uuid4()),
                "query_id": str(uuid.uuid4()),
                "client": rng.choice(clients),
                "service": service,
                "method": "GET",
                "path": f"/r1/{service}/citizens/{rng.choice(ids)}",
                "user_id": rng.choice(["motcua.thanhdong", "motcua.hongbang", "canbo.ttpvhcc", ""]),
                "request_at": moment.isoformat(timespec="microseconds"),
                "duration_ms": round(provider_ms + rng.uniform(0.4, 1.5), 3),
                "provider_ms": provider_ms,
                "status": status,
                "error": error,
                "request_size": 0,
                "response_size": rng.randrange(280, 420) if status == 200 else 90,
                "request_hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "response_hash": uuid.uuid4().hex * 2,
            }
        )
    log_ingest()
    log_batches_sign(max_age=timedelta(0))
    assert selectors.message_records_exist()  # noqa: S101 - the demo wrote them just now


#: The data-exchange gateway's part of the demo: the registry, the one-stop shop's key and a week of traffic.
STEPS = [DemoStep("registry", lambda ctx: demo_exchange(), after=("platform.locality", "procedures.dossiers"))]
