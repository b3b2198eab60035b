"""RFC 3161 time-stamps on the message log's signed batches, from a local time-stamping authority: stamped when
it answers, stamped later when it was down, checked by `verify` (imprint and the authority's signature)."""

from datetime import timedelta

import pytest

from smartgov.exchange.messagelog.verify import log_verify
from smartgov.exchange.models import LogBatch
from smartgov.exchange.services.messagelog import log_batches_sign, log_batches_timestamp, log_ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authority(settings, time_stamping_authorities):
    tsa = time_stamping_authorities()
    settings.SMARTGOV_EXCHANGE_TSA_URL = tsa.url
    settings.SMARTGOV_EXCHANGE_TSA_ROOTS = [str(tsa.root_file)]
    return tsa


def _calls(exchange, n):
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    for _ in range(n):
        assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 200
    log_ingest()


def test_batches_are_time_stamped_and_checked(exchange, authority, settings, time_stamping_authorities):
    settings.SMARTGOV_EXCHANGE_BATCH = 2
    _calls(exchange, 2)
    authority.up = False
    assert log_batches_sign() == 1
    assert LogBatch.objects.get().timestamp_token is None  # signed; the authority is down: stamped later
    authority.up = True
    _calls(exchange, 2)
    log_batches_sign()
    assert LogBatch.objects.filter(timestamp_token__isnull=False).count() == 2
    assert log_verify().ok

    first, second = LogBatch.objects.order_by("first_id")
    LogBatch.objects.filter(pk=first.pk).update(timestamp_token=second.timestamp_token)  # another batch's token
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == first.last_id and "another batch" in verdict.reason

    LogBatch.objects.filter(pk=first.pk).update(timestamp_token=None)
    log_batches_timestamp()
    other = time_stamping_authorities()  # a token from an authority we do not trust
    settings.SMARTGOV_EXCHANGE_TSA_URL = other.url
    LogBatch.objects.filter(pk=second.pk).update(timestamp_token=None)
    log_batches_timestamp()
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == second.last_id and "trusted" in verdict.reason
    assert log_batches_sign(max_age=timedelta(0)) == 0
