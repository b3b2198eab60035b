"""Fixtures of the warehouse engine's tests: an S3-compatible server (moto's, on a free loopback port).

moto's server runs in a process of its own, not as ``ThreadedMotoServer`` in the test's process: delta-rs 1.6 holds
the GIL while it waits for the storage when it opens a table, so a server thread in the same process could never
answer it (the request times out after three minutes).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from smartgov.warehouse.engine.storage import Storage, s3_options


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2):  # noqa: S310  (loopback)
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's server did not start") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def s3_storage(s3_endpoint: str) -> Iterator[Storage]:
    """A fresh bucket ``warehouse`` on moto's server, the storage ``s3://warehouse/prefix``."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket="warehouse")
    try:
        yield Storage(
            "s3://warehouse/prefix",
            s3_options(endpoint=s3_endpoint, region="us-east-1", access_key="test", secret_key="test"),
        )
    finally:
        listed = client.list_objects_v2(Bucket="warehouse").get("Contents", [])
        while listed:
            client.delete_objects(Bucket="warehouse", Delete={"Objects": [{"Key": o["Key"]} for o in listed]})
            listed = client.list_objects_v2(Bucket="warehouse").get("Contents", [])
        client.delete_bucket(Bucket="warehouse")


# The world of the loads, versions and queries tests (tests/loads.py).
from smartgov.warehouse.tests.loads import ops  # noqa: E402, F401
