"""Settings of the shared data warehouse (docs/warehouse.md, docs/kernel.md §1)."""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

env = environ.Env()

#: Object storage for ``s3://`` warehouses (moto's server in the tests, MinIO or a cloud bucket in production).
WAREHOUSE_S3_ENDPOINT = env.str("WAREHOUSE_S3_ENDPOINT", default="")
WAREHOUSE_S3_REGION = env.str("WAREHOUSE_S3_REGION", default="us-east-1")
WAREHOUSE_S3_ACCESS_KEY = env.str("WAREHOUSE_S3_ACCESS_KEY", default="")
WAREHOUSE_S3_SECRET_KEY = env.str("WAREHOUSE_S3_SECRET_KEY", default="")
#: A query's limits: rows shown on a page or returned by the API, rows in an export, seconds, characters of SQL.
WAREHOUSE_QUERY_MAX_ROWS = env.int("WAREHOUSE_QUERY_MAX_ROWS", default=10_000)
WAREHOUSE_EXPORT_MAX_ROWS = env.int("WAREHOUSE_EXPORT_MAX_ROWS", default=1_000_000)
WAREHOUSE_QUERY_TIMEOUT = env.float("WAREHOUSE_QUERY_TIMEOUT", default=30.0)
WAREHOUSE_QUERY_MAX_CHARS = env.int("WAREHOUSE_QUERY_MAX_CHARS", default=20_000)
#: Memory and threads one DuckDB query may use (it spills to the run folder beyond the memory).
WAREHOUSE_DUCKDB_MEMORY = env.str("WAREHOUSE_DUCKDB_MEMORY", default="1GB")
WAREHOUSE_DUCKDB_THREADS = env.int("WAREHOUSE_DUCKDB_THREADS", default=2)
#: Idle governed DuckDB connections kept per process for queries on the same grants (each holds up to
#: WAREHOUSE_DUCKDB_MEMORY of cached file data; 0 opens a connection per query).
WAREHOUSE_QUERY_CONNECTIONS = env.int("WAREHOUSE_QUERY_CONNECTIONS", default=4)
#: The largest file a steward may upload (bytes).
WAREHOUSE_UPLOAD_MAX_BYTES = env.int("WAREHOUSE_UPLOAD_MAX_BYTES", default=2 * 1024**3)
#: Execute an ingestion run right after its commit, in the request (the unit tests); otherwise a Celery task, or a
#: thread of the process when tasks run in-process (the demo), so the run page shows the progress.
WAREHOUSE_RUN_INLINE = env.bool("WAREHOUSE_RUN_INLINE", default=False)
#: Spark's master for the scale-out query path ("local[1]" by default; "spark://host:7077" for a cluster).
WAREHOUSE_SPARK_MASTER = env.str("WAREHOUSE_SPARK_MASTER", default="local[1]")

#: The agency (electronic ID) that owns master data; empty: the Department of Science and Technology, else the
#: People's Committee's office (masterdata.masterdata_owner).
WAREHOUSE_MASTERDATA_OWNER = env.str("WAREHOUSE_MASTERDATA_OWNER", default="")

SCHEDULE = {
    "warehouse-publish-nightly": {
        "task": "smartgov.warehouse.tasks.publish_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    # every hour: pull the tables fed through the data-exchange gateway whose pull_every_hours have elapsed
    "warehouse-pull": {"task": "warehouse.pull_due", "schedule": 3600.0},
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    """The storage: a folder under VAR_DIR unless ``WAREHOUSE_STORAGE_URL`` names one (``file:///…`` or
    ``s3://bucket/prefix``)."""
    folder = (Path(settings["VAR_DIR"]) / "warehouse").resolve()
    return {"WAREHOUSE_STORAGE_URL": env.str("WAREHOUSE_STORAGE_URL", default=folder.as_uri())}
