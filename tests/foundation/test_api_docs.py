"""The API's OpenAPI schema and its browsable docs (issue 2, item 8)."""

import json

import pytest
import yaml
from drf_spectacular.validation import validate_schema


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_describes_the_municipalities_endpoint(schema):
    operation = schema["paths"]["/api/v1/municipalities/"]["get"]

    assert "200" in operation["responses"]


def test_schema_names_session_and_token_authentication(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["cookieAuth"]["type"] == "apiKey"
    assert schemes["tokenAuth"]["type"] == "apiKey"


def test_schema_is_served_as_json_on_request(client, db):
    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    assert json.loads(response.content)["info"]["title"] == "KECK API"


def test_api_docs_answer(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_api_docs_point_to_our_schema(client, db):
    # Swagger UI's start script is a separate file (no inline script under the CSP).
    assert b"/api/schema/" in client.get("/api/docs/?script=").content


def test_swagger_ui_files_are_served_by_the_app(client, db):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert response.status_code == 200
