"""The open data portal's catalog (docs/opendata.md), in CKAN's terms: datasets (CKAN's packages) owned by an agency
(CKAN's organization: the platform's own agencies, never a copy), grouped by theme (CKAN's groups), tagged, under a
licence, each with its resources (files or links). A dataset may name the warehouse table it is published from
(``database.table``, plain text: the portal reads the warehouse only through its services).

A dataset is a draft while its publisher prepares it, active once published, deleted when withdrawn (kept, as CKAN
keeps it, so its address never points at another dataset). A private dataset is seen only by its agency's staff.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartgov.opendata.domain import licences
from smartgov.opendata.domain.names import NAME_PATTERN, TABLE_PATTERN, TAG_PATTERN

name_validator = RegexValidator(NAME_PATTERN, _("Use 2 to 100 lower-case letters without accents, digits, - and _."))
tag_validator = RegexValidator(TAG_PATTERN, _("A tag has 2 to 100 letters, digits, spaces, - _ or ."))
table_validator = RegexValidator(TABLE_PATTERN, _("Name the warehouse table as database.table."))


class Group(models.Model):
    """A theme (CKAN's group): health, education, investment, … A dataset belongs to any number of them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[name_validator])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image_url = models.URLField(_("image address"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(name__regex=NAME_PATTERN), name="opendata_group_name")]

    def __str__(self) -> str:
        return self.title or self.name


class Tag(models.Model):
    """A free keyword, in Vietnamese or any language (``y tế``, ``trường học``)."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[tag_validator])

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            # the database holds the length and no comma (the tag list's separator); the services check the letters
            models.CheckConstraint(condition=Q(name__regex=r"^[^,]{2,100}$"), name="opendata_tag_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """A dataset (CKAN's package)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Published")
        DELETED = "deleted", _("Withdrawn")

    class Frequency(models.TextChoices):
        REALTIME = "realtime", _("Continuously")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")
        IRREGULAR = "irregular", _("When it changes")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[name_validator])
    title = models.CharField(_("title"), max_length=500)
    notes = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, related_name="open_datasets", verbose_name=_("owner agency")
    )
    license_id = models.CharField(_("licence"), max_length=20, default=licences.DEFAULT)
    private = models.BooleanField(_("private"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    frequency = models.CharField(_("update frequency"), max_length=10, choices=Frequency.choices, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    source_url = models.CharField(_("source address"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_email = models.CharField(_("author's e-mail"), max_length=200, blank=True)
    maintainer = models.CharField(_("maintainer"), max_length=200, blank=True)
    maintainer_email = models.CharField(_("maintainer's e-mail"), max_length=200, blank=True)
    warehouse_table = models.CharField(
        _("warehouse table"),
        max_length=127,
        blank=True,
        validators=[table_validator],
        help_text=_("The shared data warehouse's table the dataset is published from (database.table)"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets", verbose_name=_("tags"))
    groups = models.ManyToManyField(Group, blank=True, related_name="datasets", verbose_name=_("themes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified"), default=timezone.now, db_index=True)
    #: Folded (lower case, no diacritics) copies the services keep, so a search typed without diacritics matches.
    search_title = models.CharField(max_length=500, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(name__regex=NAME_PATTERN), name="opendata_dataset_name"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "active", "deleted"]), name="opendata_dataset_state"
            ),
            models.CheckConstraint(condition=Q(license_id__in=licences.IDS), name="opendata_dataset_licence"),
            models.CheckConstraint(
                condition=Q(warehouse_table="") | Q(warehouse_table__regex=TABLE_PATTERN),
                name="opendata_dataset_table",
            ),
        ]
        indexes = [models.Index(fields=["state", "private"], name="opendata_dataset_visible")]

    def __str__(self) -> str:
        return self.title or self.name


class DatasetExtra(models.Model):
    """A free key and value on a dataset (CKAN's ``extras``): what the core fields do not hold."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="extras", verbose_name=_("dataset"))
    key = models.CharField(_("key"), max_length=100)
    value = models.TextField(_("value"), blank=True)

    class Meta:
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        ordering = ["dataset", "key"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="opendata_extra_key"),
            models.CheckConstraint(condition=~Q(key=""), name="opendata_extra_key_given"),
        ]

    def __str__(self) -> str:
        return self.key


def _upload_to(resource: "Resource", filename: str) -> str:
    return f"opendata/{resource.uuid}/{filename}"


class Resource(models.Model):
    """A file or a link of a dataset (CKAN's resource), in the order its publisher gives."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources", verbose_name=_("dataset"))
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=40, blank=True)
    url = models.CharField(_("address"), max_length=2000, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to=_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    mimetype = models.CharField(_("media type"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified"), default=timezone.now)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position", "pk"]

    def __str__(self) -> str:
        return self.name or str(self.uuid)
