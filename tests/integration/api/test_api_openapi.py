"""The OpenAPI document: served to signed-in users, valid OpenAPI 3, one operation per
API route, and the API answers as it says (a short schemathesis run)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from registry.api.frame import PREFIX
from registry.api.frame import api as registry_api
from tests.factories import login
from tests.integration.api.conftest import error_of

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


def spec_of(app) -> dict:
    with app.app_context():
        return registry_api.spec.to_dict()


def test_the_document_needs_a_signed_in_user_and_is_valid_openapi_3(world, client):
    assert client.get("/api/v1/openapi.json").status_code == 302
    login(client, world.users["area_a"])
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_api_route_is_in_the_document_and_nothing_else(app):
    documented = {
        (path, method.upper())
        for path, item in spec_of(app)["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX) or rule.endpoint.startswith("api_docs."):
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(path, m) for m in rule.methods if m not in ("HEAD", "OPTIONS")}
    assert documented == routed


def test_every_operation_documents_the_error_shape_and_the_token(app):
    document = spec_of(app)
    assert document["security"] == [{"bearerAuth": []}]
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "default" in operation["responses"], f"{method} {path}"


def test_an_error_answer_fits_the_documented_shape(world, api):
    body = error_of(api(world.users["area_a"]).get("/candidates/999999"))
    assert body == {
        "code": "not_found",
        "message": "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.",
        "fields": [],
    }


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Uploads start a child process per file read; a few cases show the contract holds.
EXAMPLES = {"POST /api/v1/imports": 3}


def test_the_api_answers_as_its_document_says(app, world, token_for):
    """A short property-based run over every operation: no 500, and every answer's status,
    content type and body as documented (read-write token of an area officer)."""
    schema = schemathesis.openapi.from_dict(spec_of(app))
    schema.app = app
    headers = {"Authorization": f"Bearer {token_for(world.users['area_a'])}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"

        @settings(
            max_examples=EXAMPLES.get(label, 12),
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
