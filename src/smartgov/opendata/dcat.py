"""The catalogue in DCAT-AP 3 (docs/opendata.md, "DCAT-AP"), built with rdflib, and a dataset in schema.org's
vocabulary for search engines.

Every address is absolute, made from ``SMARTGOV_SITE_URL`` (never from the request's Host header, so a harvester's
copy names the same resources whichever front end it reached): the catalogue is ``<site>/``, a dataset
``<site>/dataset/<name>``, a distribution ``<site>/dataset/<name>/resource/<id>``, an agency
``<site>/organization/<name>`` and a theme ``<site>/group/<name>``, the paths CKAN gives them. Controlled values use
the EU Publications Office's vocabularies that DCAT-AP names (frequency, file type, language, access right) and
IANA's media types. Text is tagged ``@vi`` (titles, descriptions, keywords); an agency's English name ``@en``."""

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from smartgov.opendata.ckan.dicts import resource_dict
from smartgov.opendata.domain import licences
from smartgov.opendata.domain.names import agency_name
from smartgov.opendata.models import Dataset, Group, Resource
from smartgov.opendata.selectors.catalog import CatalogPage
from smartgov.platform.models import Agency, Locality

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
PUBLIC_ACCESS = URIRef(f"{EU}access-right/PUBLIC")
LANGUAGES = {"vi": URIRef(f"{EU}language/VIE"), "en": URIRef(f"{EU}language/ENG")}

#: A dataset's update frequency → the EU frequency vocabulary (dct:accrualPeriodicity).
FREQUENCIES: dict[str, URIRef] = {
    Dataset.Frequency.REALTIME: URIRef(f"{EU}frequency/UPDATE_CONT"),
    Dataset.Frequency.DAILY: URIRef(f"{EU}frequency/DAILY"),
    Dataset.Frequency.WEEKLY: URIRef(f"{EU}frequency/WEEKLY"),
    Dataset.Frequency.MONTHLY: URIRef(f"{EU}frequency/MONTHLY"),
    Dataset.Frequency.QUARTERLY: URIRef(f"{EU}frequency/QUARTERLY"),
    Dataset.Frequency.YEARLY: URIRef(f"{EU}frequency/ANNUAL"),
    Dataset.Frequency.IRREGULAR: URIRef(f"{EU}frequency/IRREG"),
}

#: A resource's format (CKAN's upper-case ``format``) → the EU file-type code (dct:format) and the IANA media type
#: (dcat:mediaType) when IANA registers one. ``downloadable``: the address is the file itself, not a page.
FORMATS: dict[str, tuple[str, str, bool]] = {
    "CSV": ("CSV", "text/csv", True),
    "JSON": ("JSON", "application/json", True),
    "GEOJSON": ("GEOJSON", "application/geo+json", True),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "XLS": ("XLS", "application/vnd.ms-excel", True),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet", True),
    "PARQUET": ("PARQUET", "application/vnd.apache.parquet", True),
    "XML": ("XML", "application/xml", True),
    "PDF": ("PDF", "application/pdf", True),
    "ZIP": ("ZIP", "application/zip", True),
    "TXT": ("TXT", "text/plain", True),
    "KML": ("KML", "application/vnd.google-earth.kml+xml", True),
    "SHP": ("SHP", "", True),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
    "RDF": ("RDF_XML", "application/rdf+xml", True),
    "TTL": ("RDF_TURTLE", "text/turtle", True),
    "JSONLD": ("JSON_LD", "application/ld+json", True),
    "JSON-LD": ("JSON_LD", "application/ld+json", True),
    "HTML": ("HTML", "text/html", False),
    "API": ("REST", "", False),
}

#: The prefixes the serialisations use (Turtle's @prefix lines, JSON-LD's @context).
PREFIXES = {
    "rdf": RDF,
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "hydra": HYDRA,
}

_IRI_UNSAFE = re.compile(r"[\s<>\"{}|\\^`]")


def site() -> str:
    return str(settings.SMARTGOV_SITE_URL).rstrip("/")


def catalog_uri() -> URIRef:
    return URIRef(f"{site()}/")


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(f"{site()}/dataset/{dataset.name}")


def distribution_uri(dataset: Dataset, resource: Resource) -> URIRef:
    return URIRef(f"{site()}/dataset/{dataset.name}/resource/{resource.uuid}")


def agency_uri(agency: Agency) -> URIRef:
    return URIRef(f"{site()}/organization/{agency_name(agency.code)}")


def theme_uri(group: Group) -> URIRef:
    return URIRef(f"{site()}/group/{group.name}")


def _iri(value: str) -> URIRef | None:
    """``value`` as an IRI when it is an http(s) address that a serialisation can carry unchanged; else None."""
    if value.startswith(("http://", "https://")) and len(value) > 8 and not _IRI_UNSAFE.search(value):
        return URIRef(value)
    return None


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _vi(text: str) -> Literal:
    return Literal(text, lang="vi")


def _agent(graph: Graph, agency: Agency) -> URIRef:
    node = agency_uri(agency)
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, _vi(agency.name)))
    if agency.name_en:
        graph.add((node, FOAF.name, Literal(agency.name_en, lang="en")))
    graph.add((node, DCTERMS.identifier, Literal(agency.code)))
    return node


def _licence(graph: Graph, licence_id: str) -> URIRef | BNode:
    """The licence document: its URL when it has one, otherwise a node with its title (``other-open``, …)."""
    licence = licences.BY_ID.get(licence_id)
    node: URIRef | BNode = URIRef(licence.url) if licence and licence.url else BNode(f"licence-{licence_id}")
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, DCTERMS.identifier, Literal(licence_id)))
    if licence:
        for language in LANGUAGES:
            with translation.override(language):
                graph.add((node, RDFS.label, Literal(str(licence.title), lang=language)))
    return node


def _contact(graph: Graph, dataset: Dataset) -> BNode | None:
    name = dataset.maintainer or dataset.author
    email = dataset.maintainer_email or dataset.author_email
    if not (name or email):
        return None
    node = BNode(f"contact-{dataset.uuid}")
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, VCARD.fn, Literal(name or email)))
    if email and "@" in email:
        graph.add((node, VCARD.hasEmail, URIRef("mailto:" + quote(email.strip(), safe="@+"))))
    return node


def _distribution(graph: Graph, dataset: Dataset, resource: Resource, licence: URIRef | BNode) -> URIRef:
    node = distribution_uri(dataset, resource)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.identifier, Literal(str(resource.uuid))))
    graph.add((node, DCTERMS.title, _vi(resource.name or resource.format or str(resource.uuid))))
    if resource.description:
        graph.add((node, DCTERMS.description, _vi(resource.description)))
    address = _iri(resource_dict(resource, dataset, site())["url"])
    known = FORMATS.get(resource.format.upper())
    if address is not None:
        graph.add((node, DCAT.accessURL, address))
        if resource.upload or (known and known[2]):
            graph.add((node, DCAT.downloadURL, address))
    if known:
        graph.add((node, DCTERMS["format"], URIRef(f"{EU}file-type/{known[0]}")))
    elif resource.format:
        extent = BNode(f"format-{resource.uuid}")
        graph.add((node, DCTERMS["format"], extent))
        graph.add((extent, RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((extent, RDFS.label, Literal(resource.format)))
    media_type = resource.mimetype or (known[1] if known else "")
    if media_type and re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", media_type.lower()):
        graph.add((node, DCAT.mediaType, URIRef(IANA + media_type.lower())))
    graph.add((node, DCTERMS.license, licence))
    if resource.size is not None:
        graph.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
    graph.add((node, DCTERMS.issued, Literal(resource.created_at, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(resource.modified_at, datatype=XSD.dateTime)))
    return node


def _theme(graph: Graph, group: Group) -> URIRef:
    node = theme_uri(group)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.prefLabel, _vi(group.title or group.name)))
    graph.add((node, SKOS.inScheme, URIRef(f"{site()}/group/")))
    return node


def add_dataset(graph: Graph, dataset: Dataset) -> URIRef:
    """Describe ``dataset`` (its tags, themes, owner and resources prefetched) in ``graph``."""
    node = dataset_uri(dataset)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.uuid))))
    graph.add((node, DCTERMS.title, _vi(dataset.title or dataset.name)))
    # DCAT-AP requires a description: the title stands in for a dataset without one
    graph.add((node, DCTERMS.description, _vi(dataset.notes or dataset.title or dataset.name)))
    for tag in sorted(tag.name for tag in dataset.tags.all()):
        graph.add((node, DCAT.keyword, _vi(tag)))
    for group in dataset.groups.all():
        graph.add((node, DCAT.theme, _theme(graph, group)))
    graph.add((node, DCTERMS.publisher, _agent(graph, dataset.owner)))
    graph.add((node, DCTERMS.issued, Literal(dataset.created_at, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(dataset.modified_at, datatype=XSD.dateTime)))
    if dataset.frequency in FREQUENCIES:
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCIES[dataset.frequency]))
    licence = _licence(graph, dataset.license_id)
    graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCTERMS.accessRights, PUBLIC_ACCESS))
    graph.add((node, DCTERMS.language, LANGUAGES["vi"]))
    landing = _iri(dataset.source_url)
    if landing is not None:
        graph.add((node, DCAT.landingPage, landing))
    if dataset.version:
        graph.add((node, OWL.versionInfo, Literal(dataset.version)))
    contact = _contact(graph, dataset)
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    for resource in sorted(dataset.resources.all(), key=lambda r: (r.position, r.pk)):
        graph.add((node, DCAT.distribution, _distribution(graph, dataset, resource, licence)))
    return node


def dataset_graph(dataset: Dataset) -> Graph:
    """One dataset's record (``/dataset/<name>.ttl``): the dataset, its distributions, publisher and themes."""
    graph = new_graph()
    add_dataset(graph, dataset)
    return graph


def _catalog_texts(locality: Locality | None) -> Iterable[tuple[str, str, str]]:
    """(language, title, description) of the catalogue, in Vietnamese and English."""
    for language in LANGUAGES:
        with translation.override(language):
            place = (locality.name if language == "vi" else locality.name_en or locality.name) if locality else ""
            place = place or "SmartGov"
            yield (
                language,
                _("Open data of %(locality)s") % {"locality": place},
                _("The datasets the agencies of %(locality)s publish as open data, free to reuse under their licences.")
                % {"locality": place},
            )


def page_url(extension: str, number: int) -> str:
    return f"{site()}/catalog.{extension}?page={number}"


def catalog_graph(page: CatalogPage, extension: str) -> Graph:
    """One page of the catalogue (``/catalog.<extension>?page=N``): the catalogue, the page's datasets, and a Hydra
    ``PagedCollection`` naming the first, previous, next and last pages as ckanext-dcat does, so its harvester and
    data.europa.eu's follow the pages."""
    graph = new_graph()
    catalog = catalog_uri()
    graph.add((catalog, RDF.type, DCAT.Catalog))
    for language, title, description in _catalog_texts(page.locality):
        graph.add((catalog, DCTERMS.title, Literal(title, lang=language)))
        graph.add((catalog, DCTERMS.description, Literal(description, lang=language)))
    graph.add((catalog, FOAF.homepage, URIRef(f"{site()}/")))
    for language in LANGUAGES.values():
        graph.add((catalog, DCTERMS.language, language))
    if page.publisher is not None:
        publisher: URIRef | BNode = _agent(graph, page.publisher)
    else:
        publisher = BNode("publisher")
        graph.add((publisher, RDF.type, FOAF.Organization))
        graph.add((publisher, RDF.type, FOAF.Agent))
        graph.add((publisher, FOAF.name, _vi(page.locality.name if page.locality else "SmartGov")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    if page.modified is not None:
        graph.add((catalog, DCTERMS.modified, Literal(page.modified, datatype=XSD.dateTime)))
    for dataset in page.datasets:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, dataset)))
    paging = URIRef(page_url(extension, page.number))
    graph.add((paging, RDF.type, HYDRA.PagedCollection))
    graph.add((paging, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer)))
    graph.add((paging, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer)))
    graph.add((paging, HYDRA.firstPage, Literal(page_url(extension, 1))))
    graph.add((paging, HYDRA.lastPage, Literal(page_url(extension, page.last))))
    if page.number > 1:
        graph.add((paging, HYDRA.previousPage, Literal(page_url(extension, page.number - 1))))
    if page.number < page.last:
        graph.add((paging, HYDRA.nextPage, Literal(page_url(extension, page.number + 1))))
    return graph


#: rdflib's serialiser and the answer's media type, per address extension.
SERIALISATIONS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("pretty-xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}


def serialise(graph: Graph, extension: str) -> bytes:
    """``graph`` in the serialisation ``extension`` names (UTF-8; JSON-LD compacted with the prefixes above)."""
    name, _media_type = SERIALISATIONS[extension]
    if name == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format=name, context=context, indent=2, encoding="utf-8")
    return graph.serialize(format=name, encoding="utf-8")


def schema_org(dataset: Dataset) -> dict[str, Any]:
    """The dataset in schema.org's vocabulary (``schema:Dataset``), for the ``<script type="application/ld+json">``
    of its page, which search engines (Google Dataset Search) read. Embed it with :func:`schema_org_json`."""
    licence = licences.BY_ID.get(dataset.license_id)
    owner = {
        "@type": "GovernmentOrganization",
        "@id": str(agency_uri(dataset.owner)),
        "name": dataset.owner.name,
        "identifier": dataset.owner.code,
    }
    distributions = []
    for resource in sorted(dataset.resources.all(), key=lambda r: (r.position, r.pk)):
        known = FORMATS.get(resource.format.upper())
        download: dict[str, Any] = {
            "@type": "DataDownload",
            "name": resource.name or resource.format or str(resource.uuid),
            "contentUrl": resource_dict(resource, dataset, site())["url"],
            "encodingFormat": resource.mimetype or (known[1] if known and known[1] else resource.format),
        }
        if resource.description:
            download["description"] = resource.description
        if resource.size is not None:
            download["contentSize"] = f"{resource.size} B"
        distributions.append(download)
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(dataset_uri(dataset)),
        "url": str(dataset_uri(dataset)),
        "identifier": str(dataset.uuid),
        "name": dataset.title or dataset.name,
        "description": dataset.notes or dataset.title or dataset.name,
        "inLanguage": "vi",
        "keywords": sorted(tag.name for tag in dataset.tags.all()),
        "isAccessibleForFree": True,
        "creator": owner,
        "publisher": owner,
        "dateCreated": dataset.created_at.isoformat(),
        "dateModified": dataset.modified_at.isoformat(),
        "distribution": distributions,
        "includedInDataCatalog": {"@type": "DataCatalog", "url": f"{site()}/"},
    }
    if licence and licence.url:
        document["license"] = licence.url
    elif licence:
        document["license"] = str(licence.title)
    if dataset.version:
        document["version"] = dataset.version
    return document


def schema_org_json(dataset: Dataset) -> str:
    """:func:`schema_org` as JSON text safe inside a ``<script type="application/ld+json">`` element: ``<``, ``>``
    and ``&`` escaped as JSON's ``\\u003c`` …, so a title holding ``</script>`` cannot end the element."""
    text = json.dumps(schema_org(dataset), ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
