"""The warehouse's catalog (docs/warehouse.md): shared databases and their tables, each table's declared columns,
who else may read it, every ingestion run, and saved queries. The rows themselves live in Delta Lake tables on the
warehouse's storage (``engine/``); the catalog holds what a person needs to find, trust and reuse them.

A table's ``classification`` follows what a province publishes: open data (anyone), shared (every state agency),
restricted (the owner and the agencies granted), personal data (restricted, and its personal-data columns shown only
to those entitled). ``importance`` is the Law on Data 2024 (Luật Dữ liệu, art. 27): core data, important data, or
neither.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Names used in SQL: lower-case ASCII, digits and underscores, starting with a letter (``ho_tich.khai_sinh``).
code_validator = RegexValidator(r"^[a-z][a-z0-9_]{0,62}$", _("Use lower-case letters without accents, digits and _."))


class SharedDatabase(models.Model):
    """A shared database (cơ sở dữ liệu dùng chung) a department owns: a schema in the SQL."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        BUILDING = "building", _("Being built")
        IN_USE = "in_use", _("In use")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("code"), max_length=63, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, related_name="warehouse_databases", verbose_name=_("owner agency")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared database")
        verbose_name_plural = _("shared databases")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Table(models.Model):
    """A table of a shared database, its rows versioned in Delta Lake (``current_version``)."""

    class Classification(models.TextChoices):
        OPEN = "open", _("Open data")
        SHARED = "shared", _("Shared between agencies")
        RESTRICTED = "restricted", _("Restricted")
        PERSONAL = "personal", _("Personal data")

    class Importance(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary data")
        IMPORTANT = "important", _("Important data")
        CORE = "core", _("Core data")

    class Frequency(models.TextChoices):
        REALTIME = "realtime", _("Continuously")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")
        IRREGULAR = "irregular", _("When it changes")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        COLLECTING = "collecting", _("Being collected")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded files")
        PULL = "pull", _("Pulled through the data-exchange gateway")
        PUBLISHER = "publisher", _("Published by a SmartGov app")
        MASTER = "master", _("Master data")

    database = models.ForeignKey(
        SharedDatabase, on_delete=models.PROTECT, related_name="tables", verbose_name=_("shared database")
    )
    code = models.CharField(_("code"), max_length=63, validators=[code_validator])
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "platform.Agency", on_delete=models.PROTECT, related_name="warehouse_tables", verbose_name=_("owner agency")
    )
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="warehouse_tables",
        verbose_name=_("steward"),
    )
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, default=Classification.SHARED
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.ORDINARY
    )
    frequency = models.CharField(
        _("update frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.UPLOAD)
    #: What the rows come from, in words (a system, a register, a survey), for the lineage.
    origin = models.CharField(_("origin"), max_length=300, blank=True)
    #: A scheduled pull: the data-exchange gateway's service ("service code/path") and how often, in hours.
    pull_service = models.CharField(_("gateway service to pull"), max_length=300, blank=True)
    pull_every_hours = models.PositiveIntegerField(_("pull every (hours)"), null=True, blank=True)
    #: Open data the open data portal publishes (issue 16).
    open_dataset = models.BooleanField(_("published as open data"), default=False)
    current_version = models.IntegerField(_("current version"), null=True, blank=True)
    rows = models.BigIntegerField(_("rows"), default=0)
    updated_at = models.DateTimeField(_("data updated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["database__code", "code"]
        constraints = [models.UniqueConstraint(fields=["database", "code"], name="warehouse_table_unique_code")]

    def __str__(self) -> str:
        return self.qualified_name

    @property
    def qualified_name(self) -> str:
        """The name in SQL and the key on the storage's ``tables/`` folder, ``database.table``."""
        return f"{self.database.code}.{self.code}"

    @property
    def storage_key(self) -> str:
        return f"{self.database.code}/{self.code}"


class Column(models.Model):
    """A declared column with its quality rules (the engine's ``ColumnSpec``)."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal number")
        DATE = "date", _("Date")
        TIMESTAMP = "timestamp", _("Date and time")
        BOOLEAN = "boolean", _("Yes/no")

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=63, validators=[code_validator])
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    description = models.CharField(_("description"), max_length=500, blank=True)
    personal = models.BooleanField(_("personal data"), default=False)
    required = models.BooleanField(_("required"), default=False)
    unique = models.BooleanField(_("unique"), default=False)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    pattern = models.CharField(_("pattern"), max_length=300, blank=True)
    #: A master-data set the value must belong to (``masterdata.REFERENCES``), e.g. "communes".
    reference = models.CharField(_("reference to master data"), max_length=63, blank=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="warehouse_column_unique_name"),
            models.UniqueConstraint(fields=["table", "position"], name="warehouse_column_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"


class TableGrant(models.Model):
    """Another agency may read a restricted or personal-data table (and, if ``personal``, its personal data)."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(
        "platform.Agency", on_delete=models.CASCADE, related_name="warehouse_grants", verbose_name=_("agency")
    )
    personal = models.BooleanField(_("may see personal data"), default=False)
    purpose = models.CharField(_("purpose"), max_length=500)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("table grant")
        verbose_name_plural = _("table grants")
        ordering = ["table", "agency"]
        constraints = [models.UniqueConstraint(fields=["table", "agency"], name="warehouse_grant_unique")]

    def __str__(self) -> str:
        return f"{self.table} → {self.agency}"


class IngestionRun(models.Model):
    """One load into a table: the original kept on the storage, the report, the version it produced."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Loaded")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        REPLACE = "overwrite", _("Replace the rows")
        APPEND = "append", _("Add rows")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        JSON = "json", "JSON"
        PARQUET = "parquet", "Parquet"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="warehouse_runs"
    )

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Upload")
        PULL = "pull", _("Pull through the gateway")
        PUBLISHER = "publisher", _("Published by an app")
        MASTER = "master", _("Master data")
        RESTORE = "restore", _("Restore")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.UPLOAD)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.REPLACE)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    original_uri = models.CharField(_("original"), max_length=1000, blank=True)
    original_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    bytes_done = models.BigIntegerField(default=0)
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    rows_accepted = models.BigIntegerField(_("rows accepted"), default=0)
    rows_rejected = models.BigIntegerField(_("rows rejected"), default=0)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    #: The engine's report: reasons with their counts, the first rejections, the columns.
    report = models.JSONField(_("report"), default=dict, blank=True)
    rejected_uri = models.CharField(_("rejected rows"), max_length=1000, blank=True)
    version = models.IntegerField(_("version produced"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["table", "-created_at"], name="warehouse_run_table_idx")]

    def __str__(self) -> str:
        return f"{self.table} {self.created_at:%Y-%m-%d %H:%M}"


class SavedQuery(models.Model):
    """A query a person keeps, with the chart drawn from its answer."""

    class Chart(models.TextChoices):
        NONE = "", _("No chart")
        BAR = "bar", _("Bars")
        LINE = "line", _("Line")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warehouse_queries")
    title = models.CharField(_("title"), max_length=200)
    sql = models.TextField(_("SQL"))
    chart = models.CharField(_("chart"), max_length=4, choices=Chart.choices, blank=True, default=Chart.NONE)
    #: The columns the chart draws: labels from ``chart_x``, values from ``chart_y``.
    chart_x = models.CharField(_("labels column"), max_length=63, blank=True)
    chart_y = models.CharField(_("values column"), max_length=63, blank=True)
    shared = models.BooleanField(_("shared with my agency"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved query")
        verbose_name_plural = _("saved queries")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
