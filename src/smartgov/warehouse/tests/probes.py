"""How the permission matrix (smartgov/tests/test_policies.py) reaches the warehouse's URLs: a shared database and
a table of the persona's agency."""

from typing import Any

from smartgov.platform.testing import Probe
from smartgov.warehouse.models import Table
from smartgov.warehouse.services import database_create, table_create

#: URLs that need arguments.
PROBES: dict[str, Probe] = {
    "warehouse:database": Probe(kwargs={"code": "ho_tich"}),
    "warehouse:table": Probe(kwargs={"database": "ho_tich", "code": "khai_sinh"}),
    "api:warehouse_table": Probe(kwargs={"database": "ho_tich", "code": "khai_sinh"}),
}


def world(base: dict[str, Any]) -> dict[str, Any]:
    """The civil-status database of the test agency and its birth-registration table (personal data)."""
    database = database_create(actor=None, code="ho_tich", name="Cơ sở dữ liệu hộ tịch", owner=base["agency"])
    table_create(
        actor=None,
        database=database,
        code="khai_sinh",
        name="Đăng ký khai sinh",
        classification=Table.Classification.PERSONAL,
        columns=[{"name": "so_dang_ky", "type": "text"}, {"name": "ho_ten", "type": "text", "personal": True}],
    )
    return {}
