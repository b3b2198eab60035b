"""Loads and queries in the browser: a data steward uploads a messy CSV (mixed encodings, rows that break the
table's rules, and enough good rows to watch the progress), watches the run page's progress bar and reads its
report; then opens the query page, runs a group-by, sees its chart, and exports the answer as CSV (the download
checked). axe-core on every page; screenshots in build/screenshots/warehouse-*.png."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.warehouse.tests.loads import messy_csv

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = "SELECT phuong, count(*) AS so_ca\nFROM ho_tich.khai_sinh\nGROUP BY phuong\nORDER BY so_ca DESC"
WARDS = ("Lê Chân", "Ngô Quyền", "Hồng Bàng", "Kiến An", "Hải An", "Dương Kinh")


def _big_messy_csv(rows: int) -> bytes:
    """The messy CSV, then ``rows`` good births spread over six wards."""
    good = "".join(
        f"HP-{n:06d},Nguyễn Văn {n},{1 + n % 28:02d}/{1 + n % 12:02d}/2025,{2500 + n % 1500},{WARDS[n % 6]}\r\n"
        for n in range(rows)
    )
    return messy_csv() + good.encode()


@pytest.fixture
def steward(ops, identity_factories, settings):
    settings.WAREHOUSE_RUN_INLINE = False  # tasks in-process: the load runs in a thread, the page polls it
    identity_factories.TOTPDevice(user=ops.steward)
    return ops.steward


def test_a_steward_loads_a_messy_csv_then_queries_charts_and_exports(page, steward, sign_in, tmp_path):
    sign_in(page, steward.username, steward)
    page.goto("/can-bo/kho-du-lieu/bang/ho_tich/khai_sinh/nap-du-lieu/")
    assert axe_violations(page) == []
    screenshot(page, "warehouse-upload")
    source = tmp_path / "khai_sinh_2025.csv"
    source.write_bytes(_big_messy_csv(60_000))
    page.locator("input[type=file]").set_input_files(str(source))
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/lan-nap/**")
    assert page.locator("progress#run-bar").count() == 1
    screenshot(page, "warehouse-run-progress")
    page.wait_for_selector("#report-heading", timeout=120_000)  # run.js reloads the page once the run is done
    assert page.locator("progress#run-bar").get_attribute("value") == "100"
    figures = page.locator(".run-figures").inner_text()
    assert "60008" in figures.replace(".", "").replace(",", "") and "60003" in figures.replace(".", "").replace(",", "")
    rejected = page.locator("table.stack-table tbody tr")
    assert rejected.count() == 5
    assert "31/02/2025" in page.locator("table.stack-table").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "warehouse-run-report")

    page.goto("/can-bo/kho-du-lieu/truy-van/")
    assert "ho_tich.khai_sinh" in page.locator(".query-tables").inner_text()
    page.locator("#sql").fill(COUNT)
    page.locator("#query-form button[type=submit]").click()
    page.wait_for_selector("figure.chart svg")
    assert page.locator("figure.chart svg rect").count() == 6
    result = page.locator("table.query-result").inner_text()
    assert "Lê Chân" in result and "10002" in result.replace(".", "").replace(",", "")
    assert axe_violations(page) == []
    screenshot(page, "warehouse-query")
    page.locator("#chart").select_option("line")  # query.js runs the query again with a line
    page.wait_for_selector("figure.chart svg path", state="attached")
    screenshot(page, "warehouse-query-line")
    with page.expect_download() as download:
        page.locator("button[name=format][value=csv]").click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    text = saved.read_bytes().decode("utf-8-sig")
    assert download.value.suggested_filename.endswith(".csv")
    assert text.splitlines()[0].replace('"', "") == "phuong,so_ca" and "Lê Chân" in text
