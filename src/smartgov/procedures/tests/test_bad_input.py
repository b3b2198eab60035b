"""Bad input is a clean 4xx with a message, never a 500 (issue 13, finding 8): a 5,000-character file name, a
JSON body over the size limit, JSON numbers that are not finite."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartgov.platform.testing import pdf_bytes, pdf_stream
from smartgov.procedures.models import Attachment
from smartgov.procedures.tests.test_api_applicant import API, _draft, signed_in

pytestmark = pytest.mark.django_db

LONG_NAME = "a" * 5000 + ".pdf"


@pytest.mark.parametrize("name", [LONG_NAME, "x." + "a" * 5000 + ".pdf"], ids=["long-stem", "long-extension"])
@pytest.mark.parametrize("size", [100, 3 * 1024 * 1024], ids=["in-memory", "temporary-file"])
def test_an_upload_with_a_5000_character_name_is_stored_under_a_safe_name(hp, name, size):
    me = signed_in(hp.mai)
    draft = _draft(me)
    content = pdf_bytes(extra={10: pdf_stream(b"", b" " * size)})  # a real PDF of about that size
    answer = me.post(
        f"{API}/dossiers/{draft['id']}/attachments",
        {"component": "to_khai", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert answer.status_code == 201, answer.content
    stored = Attachment.objects.get(dossier_id=draft["id"])
    limit = Attachment._meta.get_field("original_name").max_length
    assert len(stored.original_name) <= limit and stored.original_name.endswith(".pdf")


def test_a_json_body_over_the_limit_is_413_problem_details(hp, settings):
    me = signed_in(hp.mai)
    body = b'{"procedure_code": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024) + b'"}'
    answer = me.generic("POST", f"{API}/dossiers", body, content_type="application/json")
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["title"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_json_with_a_number_that_is_not_finite_is_refused(hp, number):
    me = signed_in(hp.mai)
    body = f'{{"procedure_code": "1.001193", "receiving_agency": "000.21.07.H31", "form_data": {{"n": {number}}}}}'
    answer = me.generic("POST", f"{API}/dossiers", body, content_type="application/json")
    assert answer.status_code in (400, 422), answer.content
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["title"]
