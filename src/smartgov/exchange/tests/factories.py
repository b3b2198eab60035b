"""Factories of the exchange's tests (factory_boy): registry entries, topics and message-log records.

The registry's services (``services.registry``) are what production uses and what most tests call; these build
rows directly when a test needs many of them or one in a state no service makes (an old message-log record)."""

import hashlib
import uuid
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from smartgov.exchange.models import Member, MemberClass, MessageRecord, Service, Subsystem, Topic


class MemberClassFactory(DjangoModelFactory):
    class Meta:
        model = MemberClass
        django_get_or_create = ("code",)

    code = "GOV"
    description = "Cơ quan nhà nước"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    member_class = factory.SubFactory(MemberClassFactory)
    code = factory.Sequence(lambda n: f"000.00.{n:02d}.H31")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")


class SubsystemFactory(DjangoModelFactory):
    class Meta:
        model = Subsystem

    member = factory.SubFactory(MemberFactory)
    code = factory.Sequence(lambda n: f"HETHONG{n}")
    name = factory.Sequence(lambda n: f"Hệ thống {n}")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(SubsystemFactory)
    code = factory.Sequence(lambda n: f"dich-vu-{n}")
    title = factory.Sequence(lambda n: f"Dịch vụ {n}")
    url = "http://127.0.0.1:9/"


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    code = factory.Sequence(lambda n: f"chu-de.{n}")
    title = factory.Sequence(lambda n: f"Chủ đề {n}")
    publisher = factory.SubFactory(SubsystemFactory)


class MessageRecordFactory(DjangoModelFactory):
    """A message-log record as the monitoring page reads it (not chained: for reads, never for verification)."""

    class Meta:
        model = MessageRecord

    record_id = factory.LazyFunction(uuid.uuid4)
    query_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    client = "VN-HP/GOV/000.00.04.H31/HOTICH"
    service = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    method = "GET"
    path = "/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/031195001234"
    request_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    duration_ms = 12.5
    provider_ms = 10.0
    status = 200
    error = ""
    request_size = 0
    response_size = 320
    request_hash = hashlib.sha256(b"").hexdigest()
    response_hash = factory.LazyFunction(lambda: uuid.uuid4().hex * 2)
    prev_hash = "0" * 64
    hash = factory.LazyFunction(lambda: uuid.uuid4().hex * 2)
