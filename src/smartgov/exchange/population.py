"""A stand-in for the national population database (CSDLQG về dân cư), for the demo and the benchmark.

A provider information system as the gateway sees one: a small WSGI application that answers
``GET /citizens/{personal_id}`` with the citizen's record, ``404`` for an unknown number, and checks that the call
came through the gateway (``X-Road-Client`` present). It serves from memory, as a real provider's cache would, so
the benchmark measures the gateway and not a database. The records are the demo's citizens.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

RECORDS: dict[str, dict[str, Any]] = {
    "031195001234": {
        "personal_id": "031195001234",
        "full_name": "Nguyễn Thị Mai",
        "date_of_birth": "1995-04-12",
        "sex": "Nữ",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "permanent_address": "Số 12 Trần Phú, phường Thành Đông, thành phố Hải Phòng",
        "household_head": "Nguyễn Văn Sơn",
        "marital_status": "Đã kết hôn",
    },
    "030088004321": {
        "personal_id": "030088004321",
        "full_name": "Trần Văn Bình",
        "date_of_birth": "1988-09-30",
        "sex": "Nam",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "permanent_address": "Số 5 Điện Biên Phủ, phường Hồng Bàng, thành phố Hải Phòng",
        "household_head": "Trần Văn Bình",
        "marital_status": "Đã kết hôn",
    },
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Cơ sở dữ liệu quốc gia về dân cư — tra cứu công dân", "version": "1.0"},
    "paths": {
        "/citizens/{personal_id}": {
            "get": {
                "summary": "Thông tin công dân theo số định danh cá nhân",
                "parameters": [{"name": "personal_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Công dân"}, "404": {"description": "Không có công dân này"}},
            }
        }
    },
}


def _json(start_response: Callable[..., Any], status: str, data: Any) -> list[bytes]:
    body = json.dumps(data, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def population_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if not environ.get("HTTP_X_ROAD_CLIENT"):
        return _json(start_response, "403 Forbidden", {"error": "call through the data-exchange gateway"})
    if environ.get("REQUEST_METHOD") != "GET" or not path.startswith("/citizens/"):
        return _json(start_response, "404 Not Found", {"error": "no such resource"})
    record = RECORDS.get(path.removeprefix("/citizens/"))
    if record is None:
        return _json(start_response, "404 Not Found", {"error": "no citizen with this personal identification number"})
    return _json(start_response, "200 OK", record)
