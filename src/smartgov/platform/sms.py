"""Sending SMS through one small interface; the operator's gateway is a backend named in the settings.

``SMARTGOV_SMS_BACKEND`` names a class with ``send(message)``. The default, ``LoggingSmsBackend``, writes the
message to the log with the number masked (the embedded mode and the demo have no SMS gateway) and keeps the
last messages in memory so tests can read them. A production gateway (a carrier's brand-name SMS API) is a
class of a few lines implementing ``SmsBackend``.
"""

import logging
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("smartgov.sms")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    #: The sender's id for this message: a gateway that is given it refuses a second message with the same one
    #: (a retry after a crash between the gateway's acceptance and our record of it).
    reference: str = ""


class SmsBackend(Protocol):
    """What a gateway adapter provides: send one message (raise on failure, so the caller can retry)."""

    def send(self, message: SmsMessage) -> None: ...


def mask_phone(number: str) -> str:
    """0912345678 → 091****678: enough to recognise one's own number, not enough to call it."""
    digits = number.strip()
    return digits if len(digits) < 7 else f"{digits[:3]}{'*' * (len(digits) - 6)}{digits[-3:]}"


class LoggingSmsBackend:
    #: The last messages sent in this process (the test suite reads them; bounded).
    sent: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        type(self).sent = [*type(self).sent[-99:], message]
        logger.info("sms to %s: %d characters", mask_phone(message.to), len(message.text))


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def sms_send(*, to: str, text: str, reference: str = "") -> None:
    """Send one SMS through the configured backend."""
    _backend(settings.SMARTGOV_SMS_BACKEND).send(SmsMessage(to=to, text=text, reference=reference))
