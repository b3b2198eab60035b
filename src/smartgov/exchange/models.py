"""The data-exchange gateway (LGSP): who may call what, and the record of every call.

Identifiers follow X-Road: an *instance* (``SMARTGOV_EXCHANGE_INSTANCE``), *member classes* (GOV, COM, ORG),
*members* (an agency or a business, by its code), their *subsystems* (the information systems that call and
serve), and *services* a subsystem provides, each with its endpoints (method + path) and OpenAPI document.
Access is granted to a subsystem or a group of subsystems, for a whole service or one endpoint.

A client proves who it is with a certificate issued by the platform's CA (mutual TLS) or an API key; both are
kept here with their revocation. Every call is kept in the message log (``MessageRecord``): metadata, digests of
both bodies (bodies too when configured, encrypted when a key is set), hash-chained and signed in batches
(``LogBatch``, Ed25519), so ``smartgov exchange verify`` proves the log untouched.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.platform.delivery.models import Deliverable


class MemberClass(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    description = models.CharField(_("description"), max_length=200)

    class Meta:
        verbose_name = _("member class")
        verbose_name_plural = _("member classes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Member(models.Model):
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="members")
    code = models.CharField(_("member code"), max_length=64, help_text=_("e.g. the agency's code 000.00.04.H31"))
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(
        "platform.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="exchange_members"
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["member_class__code", "code"]
        constraints = [models.UniqueConstraint(fields=["member_class", "code"], name="member_unique_code")]

    def __str__(self) -> str:
        return f"{self.member_class.code}/{self.code}"


class Subsystem(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subsystems")
    code = models.CharField(_("subsystem code"), max_length=64)
    name = models.CharField(_("name"), max_length=300, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("subsystem")
        verbose_name_plural = _("subsystems")
        ordering = ["member__code", "code"]
        constraints = [models.UniqueConstraint(fields=["member", "code"], name="subsystem_unique_code")]

    def __str__(self) -> str:
        return f"{self.member}/{self.code}"


class Service(models.Model):
    """A REST service a subsystem provides behind the gateway."""

    provider = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(_("service code"), max_length=64)
    title = models.CharField(_("service name"), max_length=300)
    #: Where the provider's information system listens; the path after the service code is appended.
    url = models.URLField(_("provider address"), max_length=500)
    openapi = models.JSONField(_("OpenAPI document"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    timeout_ms = models.PositiveIntegerField(_("timeout (ms)"), default=30_000)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["provider__code", "code"]
        constraints = [models.UniqueConstraint(fields=["provider", "code"], name="service_unique_code")]

    def __str__(self) -> str:
        return f"{self.provider}/{self.code}"


class Endpoint(models.Model):
    """One operation of a service: a method (or ``*``) and a path, where ``*`` and ``{name}`` match one
    segment and a trailing ``/**`` anything below (as in X-Road's access rights per endpoint)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="endpoints")
    method = models.CharField(_("method"), max_length=8, default="*")
    path = models.CharField(_("path"), max_length=300, default="/**")

    class Meta:
        verbose_name = _("endpoint")
        verbose_name_plural = _("endpoints")
        ordering = ["path", "method"]
        constraints = [models.UniqueConstraint(fields=["service", "method", "path"], name="endpoint_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class ClientGroup(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=300)
    subsystems = models.ManyToManyField(Subsystem, related_name="groups", blank=True)

    class Meta:
        verbose_name = _("client group")
        verbose_name_plural = _("client groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AccessRight(models.Model):
    """A subsystem or a group may call a service (every endpoint) or one endpoint of it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rights")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, null=True, blank=True, related_name="rights")
    subsystem = models.ForeignKey(Subsystem, on_delete=models.CASCADE, null=True, blank=True, related_name="rights")
    group = models.ForeignKey(ClientGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="rights")
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("access right")
        verbose_name_plural = _("access rights")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subsystem__isnull=False, group__isnull=True)
                | models.Q(subsystem__isnull=True, group__isnull=False),
                name="accessright_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subsystem or self.group} → {self.service} {self.endpoint or ''}".strip()


class ApiKey(models.Model):
    """An internal caller's key: only its SHA-256 is kept; the key is shown once when issued."""

    subsystem = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.subsystem}"


class ClientCertificate(models.Model):
    """A TLS client certificate the platform's CA issued to a subsystem."""

    subsystem = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="certificates")
    serial = models.CharField(_("serial number"), max_length=64, unique=True, help_text=_("hexadecimal, upper case"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    pem = models.TextField(_("certificate (PEM)"))
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("client certificate")
        verbose_name_plural = _("client certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.serial} {self.subsystem}"


class RegistryVersion(models.Model):
    """One row whose number grows with every change to the registry: gateways reload when it moves."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)


class MessageRecord(models.Model):
    """One call through the gateway: the message log and the operational record in one row.

    ``hash`` chains the rows: HMAC-SHA256, under the chains' key kept outside the database, over the previous
    row's hash and this row's canonical content, so editing or deleting a row breaks the chain from that row on
    (rows up to ``LogChainHead.legacy_last_id``, written before the key, are chained with plain SHA-256)."""

    id = models.BigAutoField(primary_key=True)
    record_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    query_id = models.CharField(_("X-Road-Id"), max_length=100, db_index=True)
    client = models.CharField(_("client"), max_length=300, db_index=True)
    service = models.CharField(_("service"), max_length=300, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=1000)
    user_id = models.CharField(_("X-Road-UserId"), max_length=200, blank=True)
    request_at = models.DateTimeField(_("request at"), db_index=True)
    duration_ms = models.FloatField(_("duration (ms)"))
    provider_ms = models.FloatField(_("provider time (ms)"), null=True)
    status = models.PositiveSmallIntegerField(_("status"))
    error = models.CharField(_("X-Road-Error"), max_length=100, blank=True)
    request_size = models.PositiveIntegerField(_("request size"))
    response_size = models.PositiveIntegerField(_("response size"))
    request_hash = models.CharField(_("request digest"), max_length=100)
    response_hash = models.CharField(_("response digest"), max_length=100)
    #: The bodies, when SMARTGOV_EXCHANGE_LOG_BODIES is on (AES-GCM encrypted when a key is configured).
    request_body = models.BinaryField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    encrypted = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    batch = models.ForeignKey("LogBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="records")

    class Meta:
        verbose_name = _("message record")
        verbose_name_plural = _("message log")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.query_id} {self.client} → {self.service}"


class LogBatch(models.Model):
    """A signature over a run of records: Ed25519 over (first id, last id, count, the last record's hash)."""

    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    count = models.PositiveIntegerField()
    last_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    #: An RFC 3161 time-stamp token (DER) over the signed message, when a time-stamping authority is configured.
    timestamp_token = models.BinaryField(null=True, blank=True)
    timestamped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signed batch")
        verbose_name_plural = _("signed batches")
        ordering = ["first_id"]

    def __str__(self) -> str:
        return f"{self.first_id}–{self.last_id}"


class LogChainHead(models.Model):
    """The last chained record's hash (one row, locked while records are appended)."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    #: The hash the first remaining record links to: the genesis, or the last record archived away (and its id).
    anchor = models.CharField(max_length=64, default="0" * 64)
    anchor_id = models.BigIntegerField(default=0)
    #: The last record chained with plain SHA-256, before the keyed chain (set by the first keyed ingest).
    legacy_last_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.last_id} {self.last_hash[:12]}"


class JournalOffset(models.Model):
    """How far a journal file has been taken into the database: taken lines are never taken twice."""

    name = models.CharField(max_length=200, unique=True)
    offset = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.offset}"


# --- Events: publish/subscribe across agencies ---------------------------------------------------------------
class Topic(models.Model):
    """A kind of cross-agency event, e.g. ``ho-tich.khai-sinh`` (a birth registered), published by one subsystem."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("topic name"), max_length=300)
    publisher = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="topics")

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Subscription(models.Model):
    """A subsystem's webhook for a topic; each delivery is signed with the subscription's secret (Standard
    Webhooks: ``whsec_`` and the base64 key)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    subscriber = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="subscriptions")
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["topic", "subscriber", "url"], name="subscription_unique")]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.topic}"


class EventMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="events")
    payload = models.JSONField(_("payload"))
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["published_at"]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"


class EventDelivery(Deliverable):
    """One event to one subscription's webhook, delivered by the delivery engine (``LEASE`` mode)."""

    event = models.ForeignKey(EventMessage, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")

    class Meta(Deliverable.Meta):
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="eventdelivery_once")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} {self.state}"
