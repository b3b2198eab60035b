"""The gateway's monitoring page (views.py): platform administrators only; traffic and refusals from the message
log; a topic's dead letters sent again."""

import pytest
from django.test import Client

from smartgov.exchange.models import EventDelivery
from smartgov.exchange.services import events
from smartgov.exchange.tests.factories import MessageRecordFactory, TopicFactory

SERVICE = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"


@pytest.mark.django_db
def test_the_page_shows_traffic_and_refusals_to_the_administrator_only(exchange_admin_client, django_user_model):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from smartgov.identity.services import role_grant
    from smartgov.platform.services.org import AgencyData, agency_upsert

    MessageRecordFactory.create_batch(3)
    MessageRecordFactory(client="VN-HP/GOV/000.00.04.H31/THANHTRA", status=403, error="Server.ServerProxy.AccessDenied")
    page = exchange_admin_client.get("/truc-lien-thong/")
    text = page.content.decode()
    assert page.status_code == 200 and SERVICE in text
    assert "Server.ServerProxy.AccessDenied" in text and "VN-HP/GOV/000.00.04.H31/THANHTRA" in text

    ward, _ = agency_upsert(
        actor=None,
        data=AgencyData(code="000.21.07.H31", name="Ủy ban nhân dân phường Thành Đông", kind="commune_committee"),
    )
    officer = django_user_model.objects.create_user(username="motcua", kind="staff", full_name="Cán bộ một cửa")
    role_grant(actor=None, user=officer, role="one_stop_officer", agency=ward)
    other = Client()
    other.force_login(officer)
    session = other.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=officer, name="app", confirmed=True).persistent_id
    session.save()
    assert other.get("/truc-lien-thong/").status_code == 403  # a civil servant, not an administrator
    topic = TopicFactory()
    assert other.post(f"/truc-lien-thong/chu-de/{topic.pk}/gui-lai/").status_code == 403
    assert exchange_admin_client.post("/truc-lien-thong/chu-de/999999/gui-lai/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_administrator_sends_dead_letters_again(exchange, exchange_receiver, exchange_admin_client):
    receiver = exchange_receiver
    topic = events.topic_register(actor=None, code="dan-cu.thay-doi", title="Thay đổi dân cư", publisher=exchange.civil)
    subscription, receiver.secret = events.subscription_add(
        actor=None, topic=topic, subscriber=exchange.other, url=receiver.url
    )
    receiver.secret = "whsec_d3Jvbmc="  # the subscriber refuses every delivery (401)
    events.event_publish(publisher=exchange.civil, topic_code=topic.code, payload={"n": 1})
    EventDelivery.objects.update(state="dead", attempts=events.MAX_ATTEMPTS)
    page = exchange_admin_client
    assert "Không chuyển được" in page.get("/truc-lien-thong/").content.decode()
    receiver.secret = subscription.secret
    answer = page.post(f"/truc-lien-thong/chu-de/{topic.pk}/gui-lai/", follow=True)
    assert "1 lượt chuyển sẽ được gửi lại." in answer.content.decode()
    events.deliveries_sweep()
    assert EventDelivery.objects.get().state == "done" and len(receiver.got) == 1


@pytest.mark.django_db
def test_recent_refusals_are_newest_first_by_the_time_of_the_request(exchange_admin_client):
    """The log's rows arrive in the order calls end (journal files read later): a row written later can be
    an older call. The table follows the request's time, not the row's id."""
    from datetime import timedelta

    from django.utils import timezone

    from smartgov.exchange.selectors import refused_recently

    now = timezone.now()
    for minutes, name in ((5, "Client.Middle"), (1, "Client.Newest"), (30, "Client.Oldest")):
        MessageRecordFactory(status=403, error=name, request_at=now - timedelta(minutes=minutes))
    assert [r.error for r in refused_recently()] == ["Client.Newest", "Client.Middle", "Client.Oldest"]
    text = exchange_admin_client.get("/truc-lien-thong/").content.decode()
    assert text.index("Client.Newest") < text.index("Client.Middle") < text.index("Client.Oldest")
