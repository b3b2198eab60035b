"""The DCAT-AP catalogue and records as a harvester reads them: every serialisation parsed back with rdflib and its
triples checked (Vietnamese text with its ``@vi`` tag, distributions, licences, frequencies), only public datasets,
the Hydra pages, bad page numbers, 404s, media types, caching and the rate limit; and the schema.org document of a
dataset page."""

import json

import pytest
from django.test import Client, override_settings
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from smartgov.opendata import dcat, views
from smartgov.opendata.models import Dataset, Resource
from smartgov.opendata.services import dataset_create, dataset_delete, dataset_update
from smartgov.platform.services.org import AgencyData, agency_upsert

pytestmark = pytest.mark.django_db

SITE = "https://dulieu.haiphong.gov.vn"
HYDRA = dcat.HYDRA
VCARD = dcat.VCARD
EU = "http://publications.europa.eu/resource/authority/"
EXTENSIONS = {
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "rdf": ("application/rdf+xml; charset=utf-8", "xml"),
    "jsonld": ("application/ld+json; charset=utf-8", "json-ld"),
}


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SMARTGOV_SITE_URL=SITE):
        yield


def fetch(path, extension, **query):
    response = Client().get(path, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == EXTENSIONS[extension][0]
    assert "public" in response["Cache-Control"]
    assert f"max-age={views.DCAT_MAX_AGE}" in response["Cache-Control"]
    return Graph().parse(data=response.content, format=EXTENSIONS[extension][1])


def uri(path):
    return URIRef(SITE + path)


def vi(text):
    return Literal(text, lang="vi")


def datasets_in(graph):
    return sorted(str(node) for node in graph.objects(uri("/"), DCAT.dataset))


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_a_dataset_record_in_each_serialisation(od, extension):
    graph = fetch(f"/dataset/co-so-y-te.{extension}", extension)
    node = uri("/dataset/co-so-y-te")
    dataset = od.datasets["public"]
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert graph.value(node, DCTERMS.identifier) == Literal(str(dataset.uuid))
    assert graph.value(node, DCTERMS.title) == vi("Danh sách cơ sở y tế")
    assert graph.value(node, DCTERMS.description) == vi(
        "Bệnh viện, trạm y tế xã, phòng khám trên địa bàn thành phố Hải Phòng."
    )
    assert set(graph.objects(node, DCAT.keyword)) == {vi("y tế"), vi("bệnh viện")}
    theme = uri("/group/y-te")
    assert list(graph.objects(node, DCAT.theme)) == [theme]
    assert (theme, RDF.type, SKOS.Concept) in graph
    assert graph.value(theme, SKOS.prefLabel) == vi("Y tế")
    publisher = graph.value(node, DCTERMS.publisher)
    assert publisher == uri("/organization/000-00-09-h31")
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.name) == vi("Sở Y tế")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("000.00.09.H31")
    for field in (DCTERMS.issued, DCTERMS.modified):
        assert graph.value(node, field).datatype == XSD.dateTime
    assert graph.value(node, DCTERMS.modified).toPython() == dataset.modified_at
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/MONTHLY")
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(node, DCTERMS.license) == licence
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    assert graph.value(node, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    resource = dataset.resources.get()
    distribution = graph.value(node, DCAT.distribution)
    assert distribution == uri(f"/dataset/co-so-y-te/resource/{resource.uuid}")
    assert (distribution, RDF.type, DCAT.Distribution) in graph
    assert graph.value(distribution, DCTERMS.title) == vi("Danh sách")
    address = URIRef("https://dulieu.haiphong.gov.vn/co-so-y-te.csv")
    assert graph.value(distribution, DCAT.accessURL) == address
    assert graph.value(distribution, DCAT.downloadURL) == address
    assert graph.value(distribution, DCTERMS["format"]) == URIRef(f"{EU}file-type/CSV")
    assert graph.value(distribution, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(distribution, DCTERMS.license) == licence
    assert graph.value(distribution, DCAT.byteSize) is None  # the size is not known
    assert graph.value(node, DCAT.contactPoint) is None
    assert graph.value(node, DCAT.landingPage) is None


def test_size_contact_landing_page_version_and_other_licences(od):
    dataset = od.datasets["dossiers"]
    dataset_update(
        actor=None,
        dataset=dataset,
        values={
            "version": "2026.1",
            "url": "https://soyte.haiphong.gov.vn/thong-ke",
            "maintainer": "Phòng Nghiệp vụ Y",
            "maintainer_email": "nghiepvu.syt@haiphong.gov.vn",
            "frequency": "yearly",
        },
        partial=True,
    )
    Resource.objects.filter(dataset=dataset).update(size=123_456)
    graph = fetch("/dataset/ho-so-y-te.ttl", "ttl")
    node = uri("/dataset/ho-so-y-te")
    assert graph.value(node, OWL.versionInfo) == Literal("2026.1")
    assert graph.value(node, DCAT.landingPage) == URIRef("https://soyte.haiphong.gov.vn/thong-ke")
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/ANNUAL")
    contact = graph.value(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert graph.value(contact, VCARD.fn) == Literal("Phòng Nghiệp vụ Y")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:nghiepvu.syt@haiphong.gov.vn")
    assert graph.value(node, DCTERMS.description) == vi("Thống kê hồ sơ khám chữa bệnh")  # the title stands in
    cc0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    assert graph.value(node, DCTERMS.license) == cc0
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCAT.byteSize) == Literal(123_456, datatype=XSD.nonNegativeInteger)
    assert graph.value(distribution, DCTERMS["format"]) == URIRef(f"{EU}file-type/JSON")
    assert graph.value(distribution, DCTERMS.license) == cc0

    # a licence without an address is described by its titles; a format the vocabulary lacks by its name
    dataset_update(
        actor=None,
        dataset=dataset,
        values={
            "license_id": "other-open",
            "resources": [{"name": "Bản đồ", "url": "https://gis.haiphong.gov.vn/wms", "format": "WMS"}],
        },
        partial=True,
    )
    graph = fetch("/dataset/ho-so-y-te.rdf", "rdf")
    licence = graph.value(node, DCTERMS.license)
    assert not isinstance(licence, URIRef)
    assert graph.value(licence, DCTERMS.identifier) == Literal("other-open")
    assert set(graph.objects(licence, RDFS.label)) == {vi("Khác (mở)"), Literal("Other (open)", lang="en")}
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCAT.accessURL) == URIRef("https://gis.haiphong.gov.vn/wms")
    assert graph.value(distribution, DCAT.downloadURL) is None  # a service, not a file
    assert graph.value(graph.value(distribution, DCTERMS["format"]), RDFS.label) == Literal("WMS")


def _withdrawn(od):
    dataset = dataset_create(actor=None, values={"name": "rut-lai", "title": "Đã rút", "owner_org": od.health.code})
    return dataset_delete(actor=None, dataset=dataset)


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_the_catalogue_lists_only_public_active_datasets(od, extension):
    _withdrawn(od)
    graph = fetch(f"/catalog.{extension}", extension)
    catalog = uri("/")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert datasets_in(graph) == [
        SITE + "/dataset/co-so-y-te",
        SITE + "/dataset/ho-so-y-te",
        SITE + "/dataset/truong-hoc",
    ]
    titles = set(graph.objects(catalog, DCTERMS.title))
    assert vi("Dữ liệu mở SmartGov") in titles
    assert Literal("Open data of SmartGov", lang="en") in titles
    assert {literal.language for literal in graph.objects(catalog, DCTERMS.description)} == {"vi", "en"}
    assert graph.value(catalog, FOAF.homepage) == uri("/")
    assert set(graph.objects(catalog, DCTERMS.language)) == {URIRef(f"{EU}language/VIE"), URIRef(f"{EU}language/ENG")}
    assert graph.value(graph.value(catalog, DCTERMS.publisher), FOAF.name) == vi("SmartGov")
    assert graph.value(catalog, DCTERMS.modified).datatype == XSD.dateTime
    for name in ("noi-bo", "nhap", "rut-lai"):
        assert (uri(f"/dataset/{name}"), None, None) not in graph
    assert graph.value(uri("/dataset/truong-hoc"), DCTERMS.title) == vi("Danh sách trường học")
    paging = URIRef(f"{SITE}/catalog.{extension}?page=1")
    assert (paging, RDF.type, HYDRA.PagedCollection) in graph
    assert graph.value(paging, HYDRA.totalItems) == Literal(3, datatype=XSD.integer)
    assert graph.value(paging, HYDRA.itemsPerPage) == Literal(views.DCAT_PAGE_SIZE, datatype=XSD.integer)
    assert str(graph.value(paging, HYDRA.firstPage)) == f"{SITE}/catalog.{extension}?page=1"
    assert str(graph.value(paging, HYDRA.lastPage)) == f"{SITE}/catalog.{extension}?page=1"
    assert graph.value(paging, HYDRA.nextPage) is None
    assert graph.value(paging, HYDRA.previousPage) is None


def test_the_peoples_committee_publishes_the_catalogue(od):
    agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.00.00.H31", name="UBND thành phố Hải Phòng", kind="peoples_committee", name_en="Hai Phong PC"
        ),
    )
    graph = fetch("/catalog.ttl", "ttl")
    publisher = graph.value(uri("/"), DCTERMS.publisher)
    assert publisher == uri("/organization/000-00-00-h31")
    assert set(graph.objects(publisher, FOAF.name)) == {
        vi("UBND thành phố Hải Phòng"),
        Literal("Hai Phong PC", lang="en"),
    }


@pytest.mark.parametrize("name", ["noi-bo", "nhap", "rut-lai", "khong-co", "khong-co-ten-nay-" + "x" * 90])
@pytest.mark.parametrize("extension", EXTENSIONS)
def test_private_draft_withdrawn_and_unknown_records_are_not_found(od, od_token, name, extension):
    _withdrawn(od)
    for client, headers in [
        (Client(), {}),
        (Client(), {"Authorization": od_token(od.steward)}),  # its own agency's staff too: the catalogue is public
    ]:
        response = client.get(f"/dataset/{name}.{extension}", headers=headers)
        assert response.status_code == 404
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "Không có bộ dữ liệu công khai nào mang tên này."
    citizen = Client()
    citizen.force_login(od.citizen)
    assert citizen.get(f"/dataset/{name}.{extension}").status_code == 404


def test_a_record_by_its_id_and_unknown_extensions(od):
    assert Client().get(f"/dataset/{od.datasets['public'].uuid}.ttl").status_code == 200
    for path in ("/catalog.xml", "/catalog.json", "/dataset/co-so-y-te.n3", "/dataset/co-so-y-te.ttl/", "/catalog"):
        assert Client().get(path).status_code == 404, path


def test_pages_follow_each_other(od, monkeypatch):
    monkeypatch.setattr(views, "DCAT_PAGE_SIZE", 2)
    first = fetch("/catalog.jsonld", "jsonld", page="1")
    paging = URIRef(f"{SITE}/catalog.jsonld?page=1")
    assert datasets_in(first) == [SITE + "/dataset/co-so-y-te", SITE + "/dataset/ho-so-y-te"]
    assert str(first.value(paging, HYDRA.nextPage)) == f"{SITE}/catalog.jsonld?page=2"
    assert str(first.value(paging, HYDRA.lastPage)) == f"{SITE}/catalog.jsonld?page=2"
    assert first.value(paging, HYDRA.totalItems).toPython() == 3
    last = fetch("/catalog.jsonld", "jsonld", page="2")
    paging = URIRef(f"{SITE}/catalog.jsonld?page=2")
    assert datasets_in(last) == [SITE + "/dataset/truong-hoc"]
    assert last.value(paging, HYDRA.nextPage) is None
    assert str(last.value(paging, HYDRA.previousPage)) == f"{SITE}/catalog.jsonld?page=1"
    beyond = Client().get("/catalog.jsonld", {"page": "3"})
    assert beyond.status_code == 404
    assert beyond.content.decode() == "Trang này của danh mục không tồn tại: trang cuối là trang 2."


def test_an_empty_catalogue_still_describes_itself(db):
    graph = fetch("/catalog.ttl", "ttl")
    assert (uri("/"), RDF.type, DCAT.Catalog) in graph
    assert datasets_in(graph) == []
    assert Client().get("/catalog.ttl", {"page": "2"}).status_code == 404


@pytest.mark.parametrize(
    "value", ["abc", "0", "-1", "1.5", "", "1e3", " 1", "１", "100001", "9" * 30, "NaN", "1;DROP TABLE", "٣"]
)
def test_bad_page_numbers_are_refused(od, value):
    response = Client().get("/catalog.rdf", {"page": value})
    assert response.status_code == 400
    assert response.content.decode() == "Số trang phải là số nguyên từ 1 đến 100000."


def test_only_reads_are_answered(od):
    client = Client()
    assert client.head("/catalog.ttl").status_code == 200
    assert client.post("/catalog.ttl").status_code == 405
    assert client.post("/dataset/co-so-y-te.ttl").status_code == 405


def test_answers_to_a_signed_in_person_are_not_stored(od):
    client = Client()
    client.force_login(od.citizen)
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_rate_limit_holds(od):
    client = Client()
    with override_settings(OPENDATA_API_RATE=3):
        for path in ("/catalog.ttl", "/dataset/co-so-y-te.ttl", "/dataset/khong-co.ttl"):
            assert client.get(path).status_code in (200, 404)
        for path in ("/catalog.ttl", "/dataset/co-so-y-te.jsonld"):
            refused = client.get(path)
            assert refused.status_code == 429
            assert refused["Retry-After"] == "60"
            assert refused.content.decode() == "Quá nhiều yêu cầu: hãy thử lại sau một phút."


def test_a_page_costs_a_fixed_number_of_queries(od, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        fetch("/catalog.ttl", "ttl")
    for number in range(8):
        dataset_create(
            actor=None,
            values={
                "name": f"bo-{number}",
                "title": f"Bộ {number}",
                "owner_org": od.education.code,
                "tags": [{"name": f"nhãn {number}"}],
                "groups": [{"name": "giao-duc"}],
                "resources": [{"url": f"https://dulieu.haiphong.gov.vn/{number}.csv"}],
            },
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        graph = fetch("/catalog.ttl", "ttl")
    assert len(datasets_in(graph)) == 11


def test_addresses_come_from_the_site_setting_not_the_request(od):
    response = Client(HTTP_HOST="localhost").get("/dataset/co-so-y-te.ttl")
    assert b"localhost" not in response.content
    assert b"https://dulieu.haiphong.gov.vn/dataset/co-so-y-te" in response.content


def test_schema_org_document(od):
    dataset = Dataset.objects.prefetch_related("tags", "groups", "resources").select_related("owner")
    document = dcat.schema_org(dataset.get(name="co-so-y-te"))
    resource = od.datasets["public"].resources.get()
    assert document["@context"] == "https://schema.org/"
    assert document["@type"] == "Dataset"
    assert document["@id"] == document["url"] == SITE + "/dataset/co-so-y-te"
    assert document["name"] == "Danh sách cơ sở y tế"
    assert document["description"].startswith("Bệnh viện, trạm y tế xã")
    assert document["keywords"] == ["bệnh viện", "y tế"]
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["publisher"] == document["creator"]
    assert document["publisher"]["@type"] == "GovernmentOrganization"
    assert document["publisher"]["name"] == "Sở Y tế"
    assert document["dateModified"] == od.datasets["public"].modified_at.isoformat()
    assert document["distribution"] == [
        {
            "@type": "DataDownload",
            "name": "Danh sách",
            "contentUrl": "https://dulieu.haiphong.gov.vn/co-so-y-te.csv",
            "encodingFormat": "text/csv",
        }
    ]
    assert resource.format == "CSV"
    other = dcat.schema_org(dataset.get(name="truong-hoc"))
    assert other["description"] == "Danh sách trường học"
    assert other["distribution"] == []


def test_schema_org_json_cannot_end_its_script_element(od):
    dataset = od.datasets["schools"]
    dataset_update(
        actor=None, dataset=dataset, values={"notes": "Trường </script><script>alert(1)</script> & lớp"}, partial=True
    )
    text = dcat.schema_org_json(Dataset.objects.get(pk=dataset.pk))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["description"] == "Trường </script><script>alert(1)</script> & lớp"
    assert "Danh sách trường học" in text  # Vietnamese stays readable, not \\u-escaped
