"""The OpenAPI schema and Swagger UI (CONTRACT 1; pos_api/schema.py)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve
from openapi_spec_validator import validate

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "api-reference.txt"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def reference_operations() -> list[tuple[str, str]]:
    """(METHOD, /api/v1/pos/... path) pairs of the API reference, in its order, once each."""
    lines = [line.strip() for line in REFERENCE.read_text().splitlines()]
    found = []
    for previous, line in zip(lines, lines[1:], strict=False):
        method = previous.split(" ", 1)[0]
        if method in METHODS and line.startswith("/api/v1/pos/"):
            pair = (method, line.split("?", 1)[0])
            if pair not in found:
                found.append(pair)
    return found


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_reference_file_is_parsed():
    operations = reference_operations()
    assert ("GET", "/api/v1/pos/tables/{id}") in operations
    assert ("GET", "/api/v1/pos/customers") in operations
    assert len(operations) == 36  # distinct operations of the reference


@pytest.mark.embedded
def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_is_json_without_format_and_yaml_on_request(anon):
    plain = anon.get("/api/v1/schema")
    assert plain.status_code == 200 and plain.json()["openapi"].startswith("3.")
    yaml = anon.get("/api/v1/schema/?format=yaml")
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3")


def test_every_reference_path_that_exists_is_in_the_schema(schema):
    documented = {
        (_shape(path), method.upper()) for path, ops in schema["paths"].items() for method in ops
    }
    checked = []
    for method, path in reference_operations():
        concrete = path.replace("{id}", "1")
        try:
            match = resolve(concrete)
        except Resolver404:
            continue  # not built yet
        view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
        if view is None or not hasattr(view, method.lower()):
            continue
        assert (_shape(path), method) in documented, f"{method} {path} missing from the schema"
        checked.append((method, path))
    # the reference endpoints of the foundation, at least
    for expected in [
        ("GET", "/api/v1/pos/tables"),
        ("PUT", "/api/v1/pos/tables/{id}/status"),
        ("GET", "/api/v1/pos/customers/{id}"),
        ("POST", "/api/v1/pos/customers"),
        ("GET", "/api/v1/pos/kitchens"),
        ("GET", "/api/v1/pos/delivery-platforms"),
    ]:
        assert expected in checked


def _operations(schema):
    for path, ops in schema["paths"].items():
        for method, operation in ops.items():
            yield path, method, operation


def test_every_success_is_wrapped_in_the_envelope(schema):
    for path, method, operation in _operations(schema):
        successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert successes, f"{method} {path} documents no success"
        for code, response in successes.items():
            if code == "204":
                continue
            body = response["content"]["application/json"]["schema"]
            assert body["properties"]["success"]["type"] == "boolean"
            assert body["properties"]["success"]["example"] is True
            assert "data" in body["required"], f"{method} {path}"


def test_paginated_lists_document_meta_and_paging(schema):
    for path in ("/api/v1/pos/tables", "/api/v1/pos/customers", "/api/v1/pos/delivery-drivers"):
        operation = schema["paths"][path]["get"]
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert "meta" in body["required"]
        assert body["properties"]["meta"] == {"$ref": "#/components/schemas/PageMeta"}
        names = {p["name"] for p in operation["parameters"]}
        assert {"page", "per_page"} <= names
    menu = schema["paths"]["/api/v1/pos/menu"]["get"]["responses"]["200"]
    assert "meta" not in menu["content"]["application/json"]["schema"]["properties"]


def test_errors_are_documented_with_the_error_envelope(schema):
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["properties"]["success"]["example"] is False
    assert {"code", "message"} <= set(envelope["properties"]["error"]["required"])
    for path, method, operation in _operations(schema):
        codes = operation["responses"]
        for code, response in codes.items():
            if code[0] in "45":
                assert response["content"]["application/json"]["schema"] == error_ref
        public = operation.get("security") in (None, [])
        if not public:
            assert "401" in codes, f"{method} {path}"
        if "{" in path:
            assert "404" in codes, f"{method} {path}"
        if "requestBody" in operation:
            assert "413" in codes, f"{method} {path}"

    status = schema["paths"]["/api/v1/pos/tables/{table_id}/status"]["put"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(status)
    assert "table_occupied" in status["409"]["description"]
    create = schema["paths"]["/api/v1/pos/customers"]["post"]["responses"]
    assert "201" in create and "customer_exists" in create["409"]["description"]
    login = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "invalid_credentials" in login["401"]["description"] and "429" in login


def test_request_bodies_are_documented(schema):
    for path, method, operation in _operations(schema):
        if method in ("post", "put", "patch"):
            assert "requestBody" in operation, f"{method} {path}"
    body = schema["paths"]["/api/v1/pos/customers"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert component["required"] == ["name"]
    assert {"name", "phone", "email", "address"} <= set(component["properties"])


def test_bearer_security_scheme_and_public_login(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token from POST /api/v1/auth/login: `Authorization: Bearer <token>`.",
    }
    assert schema["paths"]["/api/v1/pos/tables"]["get"]["security"] == [{"bearerAuth": []}]
    assert schema["paths"]["/api/v1/auth/login"]["post"].get("security", []) == []


def test_schema_generates_without_warnings(db):
    """An undocumented view makes drf-spectacular guess (and warn); document it instead."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


@pytest.mark.embedded
def test_swagger_ui_answers_html_without_token_with_local_assets(anon):
    response = anon.get("/api/v1/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger-ui" in html and "/api/v1/schema" in html
    assert "cdn.jsdelivr.net" not in html  # served by the hub: works on an offline LAN
    asset = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', html).group(1)
    assert anon.get(asset).status_code == 200


def test_same_serializer_name_in_two_modules_gets_two_components():
    from drf_spectacular.openapi import AutoSchema
    from rest_framework import serializers

    from pos_api.schema import HubAutoSchema

    def make(module):
        cls = type("SweepRefOut", (serializers.Serializer,), {"id": serializers.IntegerField()})
        cls.__module__ = module
        return cls()

    schema = HubAutoSchema()
    first = schema.get_serializer_name(make("pos_api.serializers.orders"), "response")
    second = schema.get_serializer_name(make("pos_api.serializers.kitchen_display"), "response")
    again = schema.get_serializer_name(make("pos_api.serializers.orders"), "response")
    assert (first, second, again) == ("SweepRefOut", "KitchenDisplaySweepRefOut", "SweepRefOut")
    assert issubclass(HubAutoSchema, AutoSchema)
