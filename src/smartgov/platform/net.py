"""The client's address: the one place that reads ``REMOTE_ADDR`` and ``X-Forwarded-For`` (docs/security.md).

Behind a reverse proxy every connection comes from the proxy, so ``REMOTE_ADDR`` is the proxy's address and the
client's is in ``X-Forwarded-For``. That header is written by whoever sends the request, so it is believed only as
far as trusted proxies vouch for it: when the connection comes from an address in ``SMARTGOV_TRUSTED_PROXIES``, the
header is read from the right (the hop the proxy itself appended) to the left, skipping trusted proxies; the first
address that is not a trusted proxy is the client. Whatever a client wrote further left is never read, so a forged
header only adds entries the walk does not reach. A hop that is not an address stops the walk at the proxy that
passed it on. With ``SMARTGOV_TRUSTED_PROXIES`` empty (the default) no header is believed: the address is
``REMOTE_ADDR``.

The addresses are parsed by python-ipware (ports, brackets, IPv4-mapped IPv6 unwrapped), so one address is always
written the same way. Lock-out (axes' ``AXES_CLIENT_IP_CALLABLE``), security events, the audit log, sessions and
throttles all take their address from here.
"""

import ipaddress
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from python_ipware.modern.parsers import IpAddressType, IpNetworkType, parse_ip, unwrap_ipv4_network

#: How many hops of X-Forwarded-For are read at most (a client may send thousands; only the proxies' are needed).
MAX_HOPS = 20


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[IpNetworkType, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(unwrap_ipv4_network(ipaddress.ip_network(entry.strip(), strict=False)))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"SMARTGOV_TRUSTED_PROXIES: {entry!r} is not an address or a network (e.g. 127.0.0.1, 10.0.0.0/8)"
            ) from error
    return tuple(networks)


def trusted_proxies() -> tuple[IpNetworkType, ...]:
    """The networks of ``SMARTGOV_TRUSTED_PROXIES`` (ImproperlyConfigured on an entry that is not one)."""
    entries: Sequence[str] = getattr(settings, "SMARTGOV_TRUSTED_PROXIES", ())
    return _networks(tuple(entry for entry in entries if entry.strip()))


def _trusted(address: IpAddressType, networks: Sequence[IpNetworkType]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def _text(address: IpAddressType) -> str:
    """The address as the database stores it: without an IPv6 zone (``fe80::1%eth0`` is ``fe80::1``)."""
    return str(address).split("%", 1)[0]


def meta_client_address(meta: Mapping[str, Any]) -> str | None:
    """The client's address from a WSGI environ or a copy of it (Django's ``request.META``, oauthlib's headers)."""
    remote = meta.get("REMOTE_ADDR")
    address = parse_ip(remote) if isinstance(remote, str) else None
    if address is None:
        return None
    networks = trusted_proxies()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if not networks or not _trusted(address, networks) or not isinstance(forwarded, str):
        return _text(address)
    for hop in reversed(forwarded.split(",")[-MAX_HOPS:]):
        previous = parse_ip(hop)
        if previous is None:  # not an address: believe nothing further left
            break
        address = previous
        if not _trusted(address, networks):
            break
    return _text(address)


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client that sent ``request`` (None without a request or an address)."""
    if request is None:
        return None
    return meta_client_address(request.META)
