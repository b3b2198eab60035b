"""X-Road's REST metadata services, in JSON (the default) or XML (``Accept: application/xml``).

- ``GET /listClients``: the members and subsystems of this instance;
- ``GET /r1/{provider}/listMethods``: the provider's REST services and their endpoints;
- ``GET /r1/{provider}/allowedMethods``: those of them the calling client may use (endpoints narrowed to its
  rights);
- ``GET /r1/{provider}/getOpenAPI?serviceCode=X``: the service's OpenAPI document.
"""

import json
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree as ET

from smartgov.exchange.domain.errors import Refusal
from smartgov.exchange.domain.identifiers import ClientId
from smartgov.exchange.registry import ServiceEntry, Snapshot, SubsystemEntry

XROAD_NS = "http://x-road.eu/xsd/xroad.xsd"
ID_NS = "http://x-road.eu/xsd/identifiers"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def _wants_xml(accept: str) -> bool:
    accept = accept.lower()
    return ("xml" in accept) and "json" not in accept


def _id(parent: ET.Element, tag: str, object_type: str, fields: list[tuple[str, str]]) -> None:
    node = ET.SubElement(parent, f"{{{XROAD_NS}}}{tag}", {f"{{{ID_NS}}}objectType": object_type})
    for name, value in fields:
        ET.SubElement(node, f"{{{ID_NS}}}{name}").text = value


def _xml(root: ET.Element) -> bytes:
    ET.register_namespace("xroad", XROAD_NS)
    ET.register_namespace("id", ID_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def list_clients(snap: Snapshot, *, accept: str) -> tuple[bytes, str]:
    members: dict[tuple[str, str, str], str] = {}
    rows: list[dict[str, Any]] = []
    for entry in snap.subsystems.values():
        c = entry.client
        members.setdefault((c.instance, c.member_class, c.member_code), entry.member_name)
        rows.append(
            {
                "id": {
                    "member_class": c.member_class,
                    "member_code": c.member_code,
                    "subsystem_code": c.subsystem_code,
                    "xroad_instance": c.instance,
                    "object_type": "SUBSYSTEM",
                },
                "name": entry.name,
            }
        )
    for (instance, member_class, member_code), name in members.items():
        rows.append(
            {
                "id": {
                    "member_class": member_class,
                    "member_code": member_code,
                    "xroad_instance": instance,
                    "object_type": "MEMBER",
                },
                "name": name,
            }
        )
    rows.sort(key=lambda r: (r["id"]["member_class"], r["id"]["member_code"], r["id"].get("subsystem_code", "")))
    if not _wants_xml(accept):
        return json.dumps({"member": rows}, ensure_ascii=False).encode(), JSON_TYPE
    root = ET.Element(f"{{{XROAD_NS}}}clientList")
    for row in rows:
        member = ET.SubElement(root, f"{{{XROAD_NS}}}member")
        ident = row["id"]
        fields = [
            ("xRoadInstance", ident["xroad_instance"]),
            ("memberClass", ident["member_class"]),
            ("memberCode", ident["member_code"]),
        ]
        if "subsystem_code" in ident:
            fields.append(("subsystemCode", ident["subsystem_code"]))
        _id(member, "id", ident["object_type"], fields)
        ET.SubElement(member, f"{{{XROAD_NS}}}name").text = row["name"]
    return _xml(root), XML_TYPE


def _services_of(snap: Snapshot, provider: ClientId) -> list[ServiceEntry]:
    prefix = f"{provider}/"
    return sorted((s for k, s in snap.services.items() if k.startswith(prefix)), key=lambda s: s.service.service_code)


def _service_row(service: ServiceEntry, endpoints: list[tuple[str, str]]) -> dict[str, Any]:
    p = service.service.provider
    return {
        "member_class": p.member_class,
        "member_code": p.member_code,
        "subsystem_code": p.subsystem_code,
        "xroad_instance": p.instance,
        "service_code": service.service.service_code,
        "object_type": "SERVICE",
        "service_type": "OPENAPI" if service.has_openapi else "REST",
        "endpoint_list": [{"method": m, "path": path} for m, path in endpoints],
    }


def _methods(rows: list[dict[str, Any]], accept: str) -> tuple[int, str, bytes]:
    if not _wants_xml(accept):
        return 200, JSON_TYPE, json.dumps({"service": rows}, ensure_ascii=False).encode()
    root = ET.Element(f"{{{XROAD_NS}}}methodList")
    for row in rows:
        _id(
            root,
            "service",
            "SERVICE",
            [
                ("xRoadInstance", row["xroad_instance"]),
                ("memberClass", row["member_class"]),
                ("memberCode", row["member_code"]),
                ("subsystemCode", row["subsystem_code"]),
                ("serviceCode", row["service_code"]),
            ],
        )
        node = root[-1]
        for endpoint in row["endpoint_list"]:
            ET.SubElement(node, f"{{{XROAD_NS}}}endpoint", {"method": endpoint["method"], "path": endpoint["path"]})
    return 200, XML_TYPE, _xml(root)


def answer(
    snap: Snapshot, client: SubsystemEntry, provider: ClientId, name: str, *, query: str, accept: str
) -> tuple[int, str, bytes]:
    if str(provider) not in snap.subsystems:
        raise Refusal(404, "Server.ServerProxy.UnknownMember", f"No subsystem {provider}")
    services = [s for s in _services_of(snap, provider) if s.enabled]
    if name == "listMethods":
        return _methods([_service_row(s, [(e.method, e.path) for e in s.endpoints]) for s in services], accept)
    if name == "allowedMethods":
        rows = []
        for s in services:
            allowed = snap.allowed_endpoints(client, s)
            if allowed is None:
                rows.append(_service_row(s, [(e.method, e.path) for e in s.endpoints] or [("*", "**")]))
            elif allowed:
                rows.append(_service_row(s, [(e.method, e.path) for e in allowed]))
        return _methods(rows, accept)
    code = (parse_qs(query).get("serviceCode") or [""])[0]
    found = next((s for s in services if s.service.service_code == code), None)
    if found is None or not found.has_openapi:
        raise Refusal(404, "Server.ServerProxy.UnknownService", f"No OpenAPI description for service {code!r}")
    from smartgov.exchange.selectors import service_openapi

    document = service_openapi(found.id)
    return 200, JSON_TYPE, json.dumps(document, ensure_ascii=False).encode()
