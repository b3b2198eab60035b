"""Test data of the warehouse (factory_boy): an agency, a shared database, a table with declared columns, a grant,
an ingestion run and a saved query."""

import factory
from factory.django import DjangoModelFactory

from smartgov.platform.models import Agency
from smartgov.warehouse.models import Column, IngestionRun, SavedQuery, SharedDatabase, Table, TableGrant


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{40 + n % 50:02d}.H31")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT
    search_name = factory.LazyAttribute(lambda a: a.name.lower())


class DatabaseFactory(DjangoModelFactory):
    class Meta:
        model = SharedDatabase
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"csdl_{n}")
    name = factory.Sequence(lambda n: f"Cơ sở dữ liệu {n}")
    owner = factory.SubFactory(AgencyFactory)
    status = SharedDatabase.Status.IN_USE


class TableFactory(DjangoModelFactory):
    class Meta:
        model = Table

    database = factory.SubFactory(DatabaseFactory)
    code = factory.Sequence(lambda n: f"bang_{n}")
    name = factory.Sequence(lambda n: f"Bảng dữ liệu {n}")
    owner = factory.LazyAttribute(lambda t: t.database.owner)
    classification = Table.Classification.SHARED
    status = Table.Status.PUBLISHED


class ColumnFactory(DjangoModelFactory):
    class Meta:
        model = Column

    table = factory.SubFactory(TableFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"cot_{n}")
    type = Column.Type.TEXT


class GrantFactory(DjangoModelFactory):
    class Meta:
        model = TableGrant

    table = factory.SubFactory(TableFactory)
    agency = factory.SubFactory(AgencyFactory)
    purpose = "Giải quyết thủ tục hành chính"


class RunFactory(DjangoModelFactory):
    class Meta:
        model = IngestionRun

    table = factory.SubFactory(TableFactory)
    format = IngestionRun.Format.CSV
    original_name = "du-lieu.csv"
    status = IngestionRun.Status.SUCCEEDED
    rows_read = 3
    rows_accepted = 3
    version = 0


class SavedQueryFactory(DjangoModelFactory):
    class Meta:
        model = SavedQuery

    title = "Số khai sinh theo tháng"
    sql = "SELECT 1"
