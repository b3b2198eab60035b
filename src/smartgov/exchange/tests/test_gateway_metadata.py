"""X-Road's metadata services answered by the gateway (gateway/metadata.py): listClients, listMethods,
allowedMethods and getOpenAPI, as JSON or XML."""

from xml.etree import ElementTree as ET

import pytest

from smartgov.exchange import services as ex
from smartgov.exchange.models import Endpoint
from smartgov.exchange.tests.fixtures import settle

pytestmark = pytest.mark.django_db(transaction=True)


def test_metadata_services_in_json_and_xml(exchange):
    inspect = ex.subsystem_register(actor=None, member=exchange.other.member, code="KIEMTRA")
    _row, key = ex.api_key_issue(actor=None, subsystem=inspect)
    endpoint = Endpoint.objects.get(service=exchange.service, path="/citizens/{personal_id}")
    ex.access_grant(actor=None, service=exchange.service, subsystem=inspect, endpoint=endpoint)
    settle()
    clients = exchange.http.get(f"{exchange.base}/listClients").json()["member"]
    subsystems = {
        (c["id"]["member_code"], c["id"]["subsystem_code"]) for c in clients if c["id"]["object_type"] == "SUBSYSTEM"
    }
    assert ("000.00.00.G01", "CSDLQGDC") in subsystems and ("000.00.04.H31", "KIEMTRA") in subsystems
    assert {c["name"] for c in clients if c["id"]["object_type"] == "MEMBER"} >= {"Bộ Công an", "Sở Tư pháp"}
    xml = exchange.http.get(f"{exchange.base}/listClients", headers={"Accept": "application/xml"})
    root = ET.fromstring(xml.content)  # noqa: S314 - our own answer
    codes = [e.text for e in root.iter("{http://x-road.eu/xsd/identifiers}subsystemCode")]
    assert "CSDLQGDC" in codes

    provider = f"{exchange.base}/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC"
    mine = {"X-Road-Client": "VN-HP/GOV/000.00.04.H31/KIEMTRA", "X-SmartGov-Api-Key": key}
    methods = exchange.http.get(f"{provider}/listMethods", headers=mine).json()["service"]
    assert [(m["service_code"], m["service_type"]) for m in methods] == [("citizens", "OPENAPI")]
    assert methods[0]["endpoint_list"] == [{"method": "GET", "path": "/citizens/{personal_id}"}]
    allowed = exchange.http.get(f"{provider}/allowedMethods", headers=mine).json()["service"]
    assert allowed[0]["endpoint_list"] == [{"method": "GET", "path": "/citizens/{personal_id}"}]
    nothing = exchange.http.get(
        f"{provider}/allowedMethods",
        headers={"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key},
    ).json()
    assert nothing == {"service": []}
    xml_methods = exchange.http.get(f"{provider}/allowedMethods", headers={**mine, "Accept": "text/xml"})
    assert b"serviceCode>citizens<" in xml_methods.content and b'path="/citizens/{personal_id}"' in xml_methods.content
    openapi = exchange.http.get(f"{provider}/getOpenAPI?serviceCode=citizens", headers=mine)
    assert openapi.json()["info"]["title"].startswith("Cơ sở dữ liệu quốc gia")
    missing = exchange.http.get(f"{provider}/getOpenAPI?serviceCode=taxes", headers=mine)
    assert (missing.status_code, missing.headers["X-Road-Error"]) == (404, "Server.ServerProxy.UnknownService")
    anonymous = exchange.http.get(f"{provider}/listMethods")
    assert anonymous.status_code == 400
