"""The client's address: X-Forwarded-For is believed only as far as trusted proxies vouch for it (issue 13, 2)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from smartgov.platform.net import client_address, meta_client_address

LOCAL_NGINX = ["127.0.0.1", "::1"]
#: A read of the connection's address or of the forwarding header (a key of the WSGI environ, or a header name).
READER = re.compile(r"""["'](REMOTE_ADDR|HTTP_X_FORWARDED_FOR|X-Forwarded-For)["']""", re.IGNORECASE)


def _address(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


@override_settings(SMARTGOV_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_no_header_is_believed():
    assert _address("203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", "198.51.100.1") == "127.0.0.1"
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@override_settings(SMARTGOV_TRUSTED_PROXIES=LOCAL_NGINX)
def test_behind_a_trusted_proxy_the_hop_it_appended_is_the_client():
    assert _address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert _address("::1", "203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", " 203.0.113.7 ") == "203.0.113.7"


@override_settings(SMARTGOV_TRUSTED_PROXIES=LOCAL_NGINX)
def test_a_forged_header_is_not_believed():
    """nginx appends the address it saw to what the client sent: the client's own entries stay to the left."""
    assert _address("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", "127.0.0.1, 203.0.113.7") == "203.0.113.7", "a forged trusted hop is not skipped"
    assert _address("127.0.0.1", "not-an-address, 203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", ", , 203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", "10.0.0.1, " * 5000 + "203.0.113.7") == "203.0.113.7"


@override_settings(SMARTGOV_TRUSTED_PROXIES=LOCAL_NGINX)
def test_a_header_reaching_the_application_directly_is_not_believed():
    """Only a connection from a trusted proxy makes the header count: a client that reaches gunicorn is itself."""
    assert _address("198.51.100.20", "203.0.113.7") == "198.51.100.20"
    assert _address("10.0.0.5", "127.0.0.1") == "10.0.0.5"


@override_settings(SMARTGOV_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop():
    """A load balancer (10.1.2.3) in front of the local nginx: either front end of the network may be the hop."""
    assert _address("127.0.0.1", "203.0.113.7, 10.1.2.3") == "203.0.113.7"
    assert _address("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.9.9.9") == "203.0.113.7"
    assert _address("10.1.2.3", "203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", "10.1.2.3") == "10.1.2.3", "only proxies: the farthest one"


@override_settings(SMARTGOV_TRUSTED_PROXIES=LOCAL_NGINX)
@pytest.mark.parametrize(
    "forwarded",
    ["", "   ", "garbage", "203.0.113.7, garbage", "999.1.1.1", "203.0.113.7,", "1.2.3.4:99999", "for=unknown"],
)
def test_a_hop_that_is_not_an_address_stops_at_the_proxy(forwarded):
    assert _address("127.0.0.1", forwarded) == "127.0.0.1"


@override_settings(SMARTGOV_TRUSTED_PROXIES=["::1", "fd00::/8"])
def test_ipv6():
    assert _address("::1", "2001:db8::7") == "2001:db8::7"
    assert _address("::1", "[2001:db8::7]:4711") == "2001:db8::7"
    assert _address("::1", "2001:DB8:0::7") == "2001:db8::7", "one address, one spelling"
    assert _address("fd00::2", "203.0.113.7, fd00::1") == "203.0.113.7"
    assert _address("2001:db8::9", "203.0.113.7") == "2001:db8::9"
    assert _address("::1", "fe80::1%eth0") == "fe80::1", "no zone: the database's inet type refuses it"
    assert _address("fe80::2%eth0") == "fe80::2"


@override_settings(SMARTGOV_TRUSTED_PROXIES=["127.0.0.1"])
def test_ipv4_mapped_addresses_are_the_ipv4_address():
    """gunicorn on a dual-stack socket sees nginx as ::ffff:127.0.0.1."""
    assert _address("::ffff:127.0.0.1", "::ffff:203.0.113.7") == "203.0.113.7"
    assert _address("127.0.0.1", "203.0.113.7:51234") == "203.0.113.7"


@override_settings(SMARTGOV_TRUSTED_PROXIES=LOCAL_NGINX)
def test_no_request_or_no_address():
    assert client_address(None) is None
    assert meta_client_address({}) is None
    assert meta_client_address({"REMOTE_ADDR": ""}) is None
    assert meta_client_address({"REMOTE_ADDR": "garbage", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}) is None


@override_settings(SMARTGOV_TRUSTED_PROXIES=["127.0.0.1", "nginx.internal"])
def test_a_trusted_proxy_that_is_not_an_address_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match=r"nginx\.internal"):
        _address("127.0.0.1", "203.0.113.7")


def test_nothing_else_reads_the_connection_address():
    """Every address comes from platform/net.py: a second reader of REMOTE_ADDR or X-Forwarded-For would be a
    second, possibly different, answer (the lock-out and the security events once disagreed)."""
    src = Path(__file__).resolve().parents[2]
    readers = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "tests" not in path.parts and path.name != "net.py" and READER.search(path.read_text())
    ]
    assert readers == []
