"""The OpenAPI schema and Swagger UI (CONTRACT 1; pos_api/schema.py)."""

from __future__ import annotations

import ast
import json
import os
import re
import warnings
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30WriteValidator
from openapi_spec_validator import validate

from hub.secrets import signature_of

# The original API reference's operations and example payloads, kept in the repository
# (tests read nothing outside it): tests/fixtures/api_reference.json says how.
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((ROOT / "tests" / "fixtures" / "api_reference.json").read_text())


def reference_operations() -> list[tuple[str, str]]:
    """(METHOD, /api/v1/pos/... path) pairs of the API reference, in its order, once each."""
    found = []
    for entry in REFERENCE["operations"]:
        pair = (entry["method"], entry["path"].split("?", 1)[0])
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


def _file_relative_paths(tree: ast.AST):
    """Each `Path(__file__)...parents[N]` / `.parent` chain in a module: (source, N levels up)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "parents" and "__file__" in ast.unparse(node.value):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
                    yield ast.unparse(node), node.slice.value + 1
        elif isinstance(node, ast.Attribute) and node.attr == "parent":
            source = ast.unparse(node)
            if source.startswith("Path(__file__)"):
                yield source, source.count(".parent")


def test_no_test_reads_outside_the_repository():
    """`make test` on a fresh clone has nothing beside the repository: every path a test
    builds from its own file stays inside it, and no path string starts by climbing out."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for source, levels in _file_relative_paths(tree):
            if levels > len(path.relative_to(ROOT).parents):  # above the root
                offenders.append(f"{path.relative_to(ROOT)}: {source}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith(os.pardir + os.sep):
                    offenders.append(f"{path.relative_to(ROOT)}: {node.value!r}")
    assert not offenders


def test_reference_fixture_lists_the_reference_operations():
    operations = reference_operations()
    assert len(REFERENCE["operations"]) == 37  # "Reprint KOT" is listed twice
    assert len(operations) == 36  # distinct operations of the reference
    assert ("GET", "/api/v1/pos/tables/{id}") in operations
    assert ("GET", "/api/v1/pos/customers") in operations
    examples = {(e["method"], e["path"]) for e in REFERENCE["operations"] if "request" in e}
    assert examples == {("POST", "/api/v1/pos/orders"), ("POST", "/api/v1/pos/orders/{id}/payment")}


@pytest.mark.embedded
def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_is_json_without_format_and_yaml_on_request(anon):
    plain = anon.get("/api/v1/schema")
    assert plain.status_code == 200 and plain.json()["openapi"].startswith("3.")
    yaml = anon.get("/api/v1/schema/?format=yaml")
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3")


def _schema_operation(schema: dict, method: str, path: str) -> dict:
    """The schema's operation for a reference path ("{id}" there, "{order_id}" here)."""
    for documented, operations in schema["paths"].items():
        if _shape(documented) == _shape(path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} missing from the schema")


def _deref(node, components: dict):
    """The schema with every $ref replaced by its component (request and response
    schemas here are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _deref(components[node["$ref"].rsplit("/", 1)[1]], components)
        return {key: _deref(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [_deref(value, components) for value in node]
    return node


def test_every_reference_operation_is_in_the_schema(schema):
    for method, path in reference_operations():
        _schema_operation(schema, method, path)


def test_the_reference_request_payloads_validate_against_the_schema(schema):
    components = schema["components"]["schemas"]
    for entry in REFERENCE["operations"]:
        if "request" not in entry:
            continue
        operation = _schema_operation(schema, entry["method"], entry["path"])
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        OAS30WriteValidator(_deref(body, components)).validate(entry["request"])


def _assert_keys_documented(example, documented: dict, where: str) -> None:
    """Every key of the example is a property of the documented schema, nested too."""
    if isinstance(example, list):
        for item in example:
            _assert_keys_documented(item, documented.get("items", {}), f"{where}[]")
    elif isinstance(example, dict):
        properties = documented.get("properties", {})
        for key, value in example.items():
            assert key in properties, f"{where}.{key} is not in the documented response"
            _assert_keys_documented(value, properties[key], f"{where}.{key}")


def test_the_reference_response_examples_keys_are_documented(schema):
    components = schema["components"]["schemas"]
    checked = 0
    for entry in REFERENCE["operations"]:
        if "response" not in entry:
            continue
        operation = _schema_operation(schema, entry["method"], entry["path"])
        success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
        documented = _deref(success["content"]["application/json"]["schema"], components)
        _assert_keys_documented(entry["response"], documented, f"{entry['method']} {entry['path']}")
        checked += 1
    assert checked == 5


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


# --- every write operation's example works on the demo (Swagger UI's "Try it out") -------

WRITES = ("post", "put", "patch", "delete")
NO_BODY = object()


def _request_example(operation: dict):
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return NO_BODY
    if media.get("examples"):
        return next(iter(media["examples"].values()))["value"]
    return media.get("example", NO_BODY)


def _order(client, **body) -> dict:
    """An order made through the API: by default a takeaway of 4 x Paneer Tikka (54.56)."""
    response = client.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 4}], **body},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def _sent(client, order: dict) -> dict:
    response = client.post(f"/api/v1/pos/orders/{order['id']}/kot", format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def _billed(client) -> dict:
    order = _order(client)
    _sent(client, order)
    url = f"/api/v1/pos/orders/{order['id']}/status"
    assert client.put(url, {"status": "billed"}, format="json").status_code == 200
    return order


def _assigned(client) -> dict:
    order = _order(client, order_type_id=3, customer_id=10)
    url = f"/api/v1/pos/orders/{order['id']}/assign-driver"
    assert client.post(url, {"driver_id": 1}, format="json").status_code == 200
    return order


def _paid_by_card(client) -> tuple[dict, int]:
    order = _order(client)
    url = f"/api/v1/pos/orders/{order['id']}/payment"
    paid = client.post(url, {"payment_method": "card", "amount": 20}, format="json")
    assert paid.status_code == 201, paid.json()
    return order, paid.json()["data"]["payment_id"]


def _split(client) -> dict:
    order = _order(client)
    split = client.post(f"/api/v1/pos/orders/{order['id']}/split", {"equal": 2}, format="json")
    assert split.status_code == 200, split.json()
    return order


def _two_courses(client) -> dict:
    order = _order(
        client,
        items=[
            {"menu_item_id": 15, "quantity": 1},
            {"menu_item_id": 6, "quantity": 1, "course": 2},
        ],
    )
    _sent(client, order)
    return order


def _ready(client) -> dict:
    kot = _sent(client, _order(client))
    for status in ("in_kitchen", "food_ready"):
        url = f"/api/v1/pos/kot/{kot['id']}/status"
        assert client.put(url, {"status": status}, format="json").status_code == 200
    return kot["order"]


def _two_dine_ins(client) -> tuple[dict, dict]:
    return _order(client, order_type_id=1, table_id=6), _order(client, order_type_id=1, table_id=7)


def _shift_open(client) -> int:
    """The id of the open shift, opening one if none is."""
    current = client.get("/api/v1/pos/shifts/current")
    if current.status_code == 200:
        return current.json()["data"]["id"]
    opened = client.post("/api/v1/pos/shifts/open", {"opening_float": 0}, format="json")
    assert opened.status_code == 201, opened.json()
    return opened.json()["data"]["id"]


def _no_shift_open(client) -> dict:
    if client.get("/api/v1/pos/shifts/current").status_code == 200:
        closed = client.post("/api/v1/pos/shifts/current/close", {"counted_cash": 0}, format="json")
        assert closed.status_code == 200, closed.json()
    return {}


# Per write operation: the demo objects its path ids name, in a state where its example
# succeeds, and the body ids its example names that the demo cannot have (a payment, a
# second order): (path parameters, body fields to set). A new write operation needs an
# entry here, and an example in its @extend_schema.
def _platform_order(client) -> int:
    """A platform order waiting to be accepted (auto-accept off for it)."""
    from hub.models import Outlet
    from tests.integrations.test_platform_intake import body, post

    Outlet.objects.filter(pk=1).update(auto_accept_platform_orders=False)
    try:
        response = post(body(ref=f"SCHEMA-{Outlet.objects.count()}-{id(client)}"))
    finally:
        Outlet.objects.filter(pk=1).update(auto_accept_platform_orders=True)
    return response.json()["data"]["order_id"]


def _webhook(client) -> int:
    body = {"url": "http://127.0.0.1:9/h", "secret": "x" * 20, "event_types": ["*"]}
    return client.post("/api/v1/pos/webhooks", body, format="json").json()["data"]["id"]


def _platform_ref(client) -> str:
    from tests.integrations.test_platform_intake import body, post

    ref = f"SCHEMA-CANCEL-{id(client)}"
    post(body(ref=ref, prepaid=False, amount=None))
    return ref


STATES = {
    ("post", "/api/v1/auth/login"): lambda c: ({}, {}),
    ("post", "/api/v1/auth/logout"): lambda c: ({}, {}),
    ("post", "/api/v1/pos/coupons/validate"): lambda c: ({}, {}),
    ("post", "/api/v1/pos/customers"): lambda c: ({}, {}),
    ("post", "/api/v1/pos/kot/{kot_id}/print"): lambda c: (
        {"kot_id": _sent(c, _order(c))["id"]},
        {},
    ),
    ("post", "/api/v1/pos/kot/{kot_id}/reprint"): lambda c: (
        {"kot_id": _sent(c, _order(c))["id"]},
        {},
    ),
    ("put", "/api/v1/pos/kot/{kot_id}/status"): lambda c: (
        {"kot_id": _sent(c, _order(c))["id"]},
        {},
    ),
    ("put", "/api/v1/pos/kot/{kot_id}/items/{item_id}/status"): lambda c: (
        lambda kot: ({"kot_id": kot["id"], "item_id": kot["items"][0]["order_item_id"]}, {})
    )(_sent(c, _order(c))),
    ("post", "/api/v1/pos/orders/{order_id}/fire"): lambda c: (
        {"order_id": _two_courses(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/serve"): lambda c: ({"order_id": _ready(c)["id"]}, {}),
    ("put", "/api/v1/pos/menu/items/{item_id}/availability"): lambda c: ({"item_id": 20}, {}),
    ("put", "/api/v1/pos/menu/options/{option_id}/availability"): lambda c: (
        {"option_id": 2},
        {},
    ),
    ("post", "/api/v1/pos/menu/items/{item_id}/price"): lambda c: ({"item_id": 11}, {}),
    ("post", "/api/v1/pos/orders"): lambda c: ({}, {}),
    ("put", "/api/v1/pos/orders/{order_id}"): lambda c: ({"order_id": _order(c)["id"]}, {}),
    ("put", "/api/v1/pos/orders/{order_id}/status"): lambda c: (
        {"order_id": _sent(c, _order(c))["order"]["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/assign-driver"): lambda c: (
        {"order_id": _order(c, order_type_id=3, customer_id=10)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/cancel"): lambda c: ({"order_id": _order(c)["id"]}, {}),
    ("put", "/api/v1/pos/orders/{order_id}/delivery-status"): lambda c: (
        {"order_id": _assigned(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/discount"): lambda c: (
        {"order_id": _order(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/kot"): lambda c: ({"order_id": _order(c)["id"]}, {}),
    ("post", "/api/v1/pos/orders/{order_id}/merge"): lambda c: (
        lambda pair: ({"order_id": pair[0]["id"]}, {"source_order_id": pair[1]["id"]})
    )(_two_dine_ins(c)),
    ("post", "/api/v1/pos/orders/{order_id}/payment"): lambda c: (
        {"order_id": _order(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/print-bill"): lambda c: (
        {"order_id": _order(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/print-invoice"): lambda c: (
        {"order_id": _billed(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/refund"): lambda c: (
        lambda paid: ({"order_id": paid[0]["id"]}, {"payment_id": paid[1]})
    )(_paid_by_card(c)),
    ("post", "/api/v1/pos/orders/{order_id}/split"): lambda c: ({"order_id": _order(c)["id"]}, {}),
    ("delete", "/api/v1/pos/orders/{order_id}/split"): lambda c: (
        {"order_id": _split(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/split-payment"): lambda c: (
        {"order_id": _order(c)["id"]},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/transfer-table"): lambda c: (
        {"order_id": _order(c, order_type_id=1, table_id=10)["id"]},
        {},
    ),
    ("post", "/api/v1/integrations/platforms/{code}/orders"): lambda c: ({"code": "swiggy"}, {}),
    ("post", "/api/v1/integrations/platforms/{code}/orders/{ref}/cancel"): lambda c: (
        {"code": "swiggy", "ref": _platform_ref(c)},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/accept"): lambda c: (
        {"order_id": _platform_order(c)},
        {},
    ),
    ("post", "/api/v1/pos/orders/{order_id}/reject"): lambda c: (
        {"order_id": _platform_order(c)},
        {},
    ),
    ("post", "/api/v1/pos/webhooks"): lambda c: ({}, {}),
    ("delete", "/api/v1/pos/webhooks/{webhook_id}"): lambda c: (
        {"webhook_id": _webhook(c)},
        {},
    ),
    ("delete", "/api/v1/pos/session/clear"): lambda c: ({}, {}),
    ("post", "/api/v1/pos/session/save"): lambda c: ({}, {}),
    ("put", "/api/v1/pos/tables/{table_id}/status"): lambda c: ({"table_id": 9}, {}),
    ("post", "/api/v1/pos/shifts/open"): lambda c: (_no_shift_open(c), {}),
    ("post", "/api/v1/pos/shifts/current/cash-movements"): lambda c: (_shift_open(c) and {}, {}),
    ("post", "/api/v1/pos/shifts/current/close"): lambda c: (_shift_open(c) and {}, {}),
    ("post", "/api/v1/pos/shifts/{shift_id}/print-report"): lambda c: (
        {"shift_id": _shift_open(c)},
        {},
    ),
}


def test_every_write_operation_has_an_example_of_its_body(schema):
    for path, method, operation in _operations(schema):
        if method in WRITES and "requestBody" in operation:
            assert _request_example(operation) is not NO_BODY, f"{method} {path}: no example"


def test_every_write_operations_example_succeeds_on_the_demo(schema, api_as, anon):
    """Swagger UI's "Try it out" sends the example: as the manager (who may do all of
    them; the create example's discount is beyond a waiter), on demo objects in a state
    that allows it, each one answers 2xx."""
    writes = [(p, m, o) for p, m, o in _operations(schema) if m in WRITES]
    missing = {(m, p) for p, m, _ in writes} - set(STATES)
    assert not missing, f"give these an example (@extend_schema) and an entry in STATES: {missing}"
    assert not set(STATES) - {(m, p) for p, m, _ in writes}, "STATES names a gone operation"
    for path, method, operation in writes:
        client = anon if operation.get("security") == [] else api_as("manager")
        path_ids, body_ids = STATES[(method, path)](api_as("manager"))
        example = _request_example(operation)
        url = path.format(**path_ids)
        if example is NO_BODY:
            response = client.generic(method.upper(), url)
        else:
            body = {**example, **body_ids} if isinstance(example, dict) else example
            raw = json.dumps(body)
            headers = {}
            if any(p.get("name") == "X-Hub-Signature" for p in operation.get("parameters", [])):
                # platform intake (CONTRACT 16): signed with the demo's swiggy secret
                headers["HTTP_X_HUB_SIGNATURE"] = signature_of("demo-swiggy-secret", raw.encode())
            response = client.generic(
                method.upper(), url, raw, content_type="application/json", **headers
            )
        assert 200 <= response.status_code < 300, f"{method.upper()} {url}: {response.json()}"


# --- the schema refuses what the server refuses -------------------------------------------

REFUSED_BODIES = [
    # (method, path, body): each refused by the server with 400 on `field`
    ("post", "/api/v1/pos/orders", {"order_type_id": 2, "notes": 12}, "notes"),
    ("post", "/api/v1/auth/login", {"username": "manager", "password": "x", "device": 0}, "device"),
    ("post", "/api/v1/pos/session/save", {"cart": {}, "hold": "yes"}, "hold"),
    ("post", "/api/v1/pos/orders/{order_id}/cancel", {"reason": "   "}, "reason"),
    ("post", "/api/v1/pos/orders/{order_id}/discount", {"coupon_code": "\x1f "}, ""),
    ("put", "/api/v1/pos/orders/{order_id}/status", {"status": "cancelled"}, "reason"),
    ("put", "/api/v1/pos/orders/{order_id}/delivery-status", {"status": "failed"}, "reason"),
    (
        "post",
        "/api/v1/pos/orders/{order_id}/discount",
        {"discount_type": "percent", "discount_value": 150},
        "discount_value",
    ),
    (
        "post",
        "/api/v1/pos/orders/{order_id}/payment",
        {"payment_method": "card", "amount": 1.005},
        "amount",
    ),
    ("post", "/api/v1/pos/orders/{order_id}/split-payment", {"payments": []}, "payments"),
]


@pytest.mark.parametrize(
    "method,path,body,field", REFUSED_BODIES, ids=[f"{m} {p} {f}" for m, p, _, f in REFUSED_BODIES]
)
def test_a_body_the_server_refuses_is_one_the_schema_refuses(
    schema, api_as, method, path, body, field
):
    components = schema["components"]["schemas"]
    operation = schema["paths"][path][method]
    documented = operation["requestBody"]["content"]["application/json"]["schema"]
    assert not OAS30WriteValidator(_deref(documented, components)).is_valid(body)
    client = api_as("manager")
    order = _assigned(client) if "delivery" in path else _order(client)
    url = path.format(order_id=order["id"])
    response = client.generic(
        method.upper(), url, json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"].get("fields", {"": "the body as a whole"})


def test_business_rule_refusals_are_documented_statuses(schema, api_as):
    client = api_as("manager")
    sold_out = client.put(
        "/api/v1/pos/menu/items/20/availability", {"is_available": False}, format="json"
    )
    assert sold_out.status_code == 200
    refused = client.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 20, "quantity": 1}]},
        format="json",
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "item_unavailable"
    create = schema["paths"]["/api/v1/pos/orders"]["post"]["responses"]
    assert "item_unavailable" in create["422"]["description"]

    order = _order(client)
    too_much = client.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "card", "amount": 1000},
        format="json",
    )
    assert too_much.status_code == 422
    payment = schema["paths"]["/api/v1/pos/orders/{order_id}/payment"]["post"]["responses"]
    assert too_much.json()["error"]["code"] in payment["422"]["description"]
