"""The API documents every status it can answer with, and each error body is one sentence
(`cohort.core.api_errors`, config/api.py). `.ci/api-conformance` checks the same against a
running server with schemathesis; this keeps the documentation honest in every test run."""

from __future__ import annotations

from typing import Any

import pytest

from cohort.core.api_errors import sentence
from config.api import api

SCHEMA: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
def test_each_operation_documents_the_errors_it_can_give(name: str, operation: dict[str, Any]):
    documented = {str(status) for status in operation["responses"]}
    assert "400" in documented  # the control-character guard answers 400 anywhere
    if operation.get("parameters") or operation.get("requestBody"):
        assert "422" in documented
        body = operation["responses"][422]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ValidationErrorOut"}
    if any("{" in part for part in name.split("/")):
        assert "404" in documented
    if operation.get("security"):
        assert "401" in documented
    assert {"200", "201"} & documented, "the success response is documented"


def test_validation_errors_read_as_one_sentence():
    assert sentence([]) == "The request is not valid."
    missing = {"loc": ("body", "payload", "mentors", 0, "name"), "msg": "Field required"}
    assert sentence([missing]) == "Field required: mentors.0.name (in the body)."
    too_big = {"loc": ("query", "term"), "msg": "Input should be less than or equal to 9"}
    assert sentence([too_big, missing, missing]) == (
        "Input should be less than or equal to 9: term (in the query string), and 2 more problems."
    )


@pytest.mark.django_db
def test_a_form_posted_to_a_json_endpoint_is_a_client_error(client):
    """Found by the fuzzer: the text guard reads a multipart form, so the JSON body the
    endpoint then reads is gone; that was a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohort.core.models import User
    from cohort.core.tokens import create_api_token

    token = create_api_token(User.objects.create_user("formsender"), name="t")[1]
    response = client.post(
        "/api/v1/applications/1/tasks/file",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "reads a JSON body" in response.json()["detail"]
    assert "multipart/form-data" in response.json()["detail"]
