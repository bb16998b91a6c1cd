"""The bad-input sweep: no input, however wrong, gets a 500 or leaves the envelope (CONTRACT 1).

Endpoints are discovered, not listed: every HubApiView route under /api/ found in
the URL resolver, with its methods. Path ids are filled with real objects of the
demo outlet (an order with a sent item, its KOT, table 5, customer 10...), so the
bad input reaches the view's own validation instead of stopping at a 404.

- every POST/PUT/PATCH/DELETE gets bad raw bodies (empty, malformed JSON, wrong
  top-level types, deep nesting, invalid UTF-8, lone surrogates, NUL, NaN and
  huge numbers, over 1 MB, not JSON at all) and, where the OpenAPI schema
  documents its body, a body with each field in turn set to each bad value
  (wrong types, huge and negative numbers, unicode, NUL, long strings), inside
  list items too;
- every GET gets bad paging and bad values for each documented query parameter;
- every route with an id gets huge, zero and negative ids.

A new endpoint of any area is swept as soon as it is routed. Each answer must be
below 500, JSON, and in the envelope.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from pos_api.views.base import HubApiView

BODY_METHODS = ("post", "put", "patch", "delete")
NEVER_SWEPT = {"api/v1/auth/logout"}  # it would revoke the sweep's own token

BAD_RAW_BODIES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "application/json"),
    ("malformed", b'{"status": ', "application/json"),
    ("trailing-garbage", b'{"a": 1} xyz', "application/json"),
    ("null", b"null", "application/json"),
    ("list", b"[]", "application/json"),
    ("list-of-objects", b"[{}, {}]", "application/json"),
    ("string", b'"text"', "application/json"),
    ("number", b"123", "application/json"),
    ("bool", b"true", "application/json"),
    ("empty-object", b"{}", "application/json"),
    ("deep-nesting", b"[" * 50000 + b"]" * 50000, "application/json"),
    ("deep-object", b'{"a":' * 20000 + b"1" + b"}" * 20000, "application/json"),
    ("invalid-utf8", b'{"name": "\xff\xfe"}', "application/json"),
    (
        "lone-surrogate",
        b'{"name": "\\ud800", "reason": "\\udfff", "note": "\\ud83c"}',
        "application/json",
    ),
    ("nul", b'{"name": "a\\u0000b", "reason": "\\u0000"}', "application/json"),
    (
        "nan-inf",
        b'{"amount": NaN, "quantity": Infinity, "discount_value": -Infinity}',
        "application/json",
    ),
    (
        "huge-exponent",
        b'{"amount": 1e400, "tip_amount": 1e-400, "quantity": 1e308}',
        "application/json",
    ),
    ("huge-int", b'{"amount": ' + b"9" * 5000 + b"}", "application/json"),
    ("duplicate-keys", b'{"status": "free", "status": 7}', "application/json"),
    ("form-encoded", b"status=free&name=x", "application/x-www-form-urlencoded"),
    ("text-plain", b"hello", "text/plain"),
    ("oversize", b'{"note": "' + b"x" * (1024 * 1024 + 10) + b'"}', "application/json"),
]

BAD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    2**31,
    10**20,
    -(10**20),
    1.5,
    1e308,
    "",
    " ",
    "abc",
    "x" * 5000,
    "🍛 ñ \u202e ﷽ 𝕏",
    "a\u0000b",
    "12.999",
    "-5",
    "1e9999",
    [],
    [1, "a"],
    {},
    {"nested": {"deeper": [None]}},
]

BAD_QUERIES = [
    "page=0",
    "page=-1",
    "page=abc",
    "page=1.5",
    "page=99999999999999999999",
    "page=",
    "per_page=0",
    "per_page=100000",
    "per_page=abc",
    "page=1&page=2",
    "per_page=%00",
    "page=%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "per_page=%C2%B2",
    "page=" + "9" * 5000,
    "per_page=101",
]
BAD_QUERY_VALUES = [
    "",
    "%00",
    "%F0%9F%8D%9B",
    "x" * 3000,
    "-1",
    "99999999999999999999",
    "1.5",
    "abc",
    "true",
    "2024-13-45",
    "%ff%fe",
]
BAD_PATH_IDS = ["0", "99999999", "99999999999999999999", "9" * 40]


def _routes() -> list[tuple[str, type]]:
    """(route template like 'api/v1/pos/tables/<int:table_id>/status', view class)."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
                route = prefix + str(p.pattern)
                if view is None or not issubclass(view, HubApiView) or route.endswith("/"):
                    continue  # the trailing-slash twin answers the same
                if route.startswith("api/") and route not in NEVER_SWEPT:
                    found.append((route, view))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found), key=lambda r: r[0])


ROUTES = _routes()
BODY_ENDPOINTS = [(m, r, v) for r, v in ROUTES for m in BODY_METHODS if hasattr(v, m)]
GET_ENDPOINTS = [(r, v) for r, v in ROUTES if hasattr(v, "get")]
ID_ROUTES = [(r, v) for r, v in ROUTES if "<" in r]


@pytest.fixture
def real_ids(demo):
    """Ids of real objects of outlet 001 for every kind of path parameter."""
    from hub.models import Kot, Order, OrderItem

    order = Order.objects.create(
        outlet=demo,
        number="ORD-001-SWEEP",
        order_type_id=1,
        table_id=11,
        status="kot",
        subtotal=Decimal("25.98"),
        total=Decimal("25.98"),
        business_date=timezone.localdate(),
    )
    kot = Kot.objects.create(
        outlet=demo,
        order=order,
        kitchen_id=1,
        number="KOT-SWEEP",
        business_date=timezone.localdate(),
    )
    OrderItem.objects.create(
        order=order,
        menu_item_id=15,
        name="Paneer Tikka",
        quantity=2,
        unit_price=Decimal("12.99"),
        kitchen_id=1,
        status="sent_to_kitchen",
        kot=kot,
    )
    from hub.models import WebhookSubscription

    webhook = WebhookSubscription.objects.create(
        outlet=demo, url="http://127.0.0.1:9/h", secret_sealed="", event_types=[]
    )
    return {
        "order": order.pk,
        "kot": kot.pk,
        "webhook": webhook.pk,
        "code": "swiggy",
        "ref": "SWG-NONE",
        "table": 5,
        "customer": 10,
        "kitchen": 1,
        "printer": 1,
        "driver": 1,
        "menu_item": 15,
        "item": 15,
        "payment_method": 1,
        "platform": 1,
        "coupon": 1,
        "order_type": 2,
    }


def _fill(route: str, ids: dict, override: str | None = None) -> str:
    def value(match):
        name = match.group(2)
        if override is not None:
            return override
        key = name[:-3] if name.endswith("_id") else name
        return str(ids.get(key, 1))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _client(route: str, api_as) -> APIClient:
    if route == "api/v1/auth/login":
        return APIClient()
    return api_as("manager")


def assert_enveloped(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]!r}"
    assert "json" in response.get("Content-Type", ""), (
        f"{what}: not JSON ({response['Content-Type']})"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict) and isinstance(body.get("success"), bool), (
        f"{what}: {body!r:.300}"
    )
    if body["success"]:
        assert "data" in body, f"{what}: success without data"
    else:
        error = body.get("error")
        assert isinstance(error, dict), f"{what}: {body!r:.300}"
        assert isinstance(error.get("code"), str) and re.fullmatch(
            r"[a-z][a-z0-9_]*", error["code"]
        )
        assert isinstance(error.get("message"), str) and error["message"], what
        assert response.status_code >= 400, f"{what}: error envelope with {response.status_code}"
        for path in error.get("fields", {}):
            assert_field_path(path, what)


# DRF's and Django's names for "not about one field"; a client can never match them to an input.
FRAMEWORK_KEYS = {"non_field_errors", "__all__"}
# A field path is dot-separated names and list indexes ("items.0.quantity"), or a header's
# name ("Idempotency-Key"): never empty, never a framework's internal key.
PATH_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]*|[0-9]+")


def assert_field_path(path: str, what: str) -> None:
    segments = path.split(".")
    assert all(PATH_SEGMENT.fullmatch(s) for s in segments), f"{what}: field path {path!r}"
    assert not FRAMEWORK_KEYS & set(segments), f"{what}: framework name in field path {path!r}"


# --- the schema's view of request bodies, for field-by-field mutation ----------------------

_SCHEMA: dict | None = None


def _schema() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        import warnings

        from drf_spectacular.generators import SchemaGenerator

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
    return _SCHEMA


def _resolve(schema: dict | None) -> dict:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 10:
        schema = _schema()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        seen += 1
    if isinstance(schema, dict) and "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema or {}


def _body_schema(route: str, method: str) -> dict:
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    operation = _schema()["paths"].get(path, {}).get(method, {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return _resolve(content.get("schema"))


def _plausible(name: str, schema: dict, ids: dict):
    """A value that passes type checks, so the mutations reach the view's deeper rules."""
    schema = _resolve(schema)
    if "enum" in schema:
        return next((v for v in schema["enum"] if v not in ("", None)), None)
    kind = schema.get("type")
    if name.endswith("_id") and kind in ("integer", None):
        return ids.get(name[:-3], 1)
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        item = _resolve(schema.get("items", {}))
        return (
            [_plausible_object(item, ids)]
            if item.get("type") == "object" or "properties" in item
            else []
        )
    if kind == "object" or "properties" in schema:
        return _plausible_object(schema, ids)
    if name == "email":
        return "sweep@example.com"
    if name == "phone":
        return "+91 90000 12345"
    if name in ("payment_method",):
        return "cash"
    return "sweep"


def _plausible_object(schema: dict, ids: dict) -> dict:
    props = schema.get("properties", {})
    return {
        name: _plausible(name, sub, ids)
        for name, sub in props.items()
        if name in schema.get("required", []) or name.endswith("_id")
    }


def _mutations(schema: dict, ids: dict):
    """(label, body): the plausible body with one field (or one list item's field) made bad."""
    props = schema.get("properties", {})
    base = _plausible_object(schema, ids)
    for name, sub in props.items():
        for bad in BAD_VALUES:
            yield f"{name}={bad!r:.20}", {**base, name: bad}
        sub = _resolve(sub)
        item = _resolve(sub.get("items", {})) if sub.get("type") == "array" else {}
        if item.get("properties"):
            good_item = _plausible_object(item, ids)
            for item_field in item["properties"]:
                for bad in BAD_VALUES:
                    yield (
                        f"{name}.0.{item_field}={bad!r:.20}",
                        {**base, name: [{**good_item, item_field: bad}]},
                    )
            yield f"{name}=many", {**base, name: [good_item] * 2000}
    yield "unknown-fields", {**base, "zzz_unknown": "x", "__proto__": {"a": 1}}


# --- field paths (CONTRACT 1: `fields` keys are the client's own field paths) ----------------


def test_a_field_of_the_wrong_shape_is_reported_at_its_own_path(api_as):
    response = api_as("manager").post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": "not-a-list"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["items"]


def test_a_list_item_of_the_wrong_shape_is_reported_at_its_index(api_as):
    response = api_as("manager").post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": ["not-an-object"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["items.0"]


def test_an_error_about_the_whole_body_is_the_message_not_a_field(api_as):
    # coupons/validate needs order_id or subtotal: neither field alone is wrong
    response = api_as("cashier").post(
        "/api/v1/pos/coupons/validate", {"code": "WELCOME10"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "fields" not in error
    assert error["message"] == "Send order_id, or subtotal (and order_type_id)."


# --- the sweeps ----------------------------------------------------------------------------


def _ids(endpoints):
    return [f"{e[0].upper()} {e[1]}" if len(e) == 3 else e[0] for e in endpoints]


def test_sweep_discovers_the_foundation_endpoints():
    routes = {r for r, _ in ROUTES}
    for expected in (
        "api/v1/auth/login",
        "api/v1/pos/customers",
        "api/v1/pos/tables",
        "api/v1/pos/tables/<int:table_id>/status",
        "api/v1/pos/menu",
    ):
        assert expected in routes
    assert ("post", "api/v1/pos/customers") in {(m, r) for m, r, _ in BODY_ENDPOINTS}


@pytest.mark.parametrize("method,route,view", BODY_ENDPOINTS, ids=_ids(BODY_ENDPOINTS))
def test_bad_raw_bodies(method, route, view, api_as, real_ids):
    client = _client(route, api_as)
    url = _fill(route, real_ids)
    for label, raw, content_type in BAD_RAW_BODIES:
        response = client.generic(method.upper(), url, raw, content_type=content_type)
        assert_enveloped(response, f"{method.upper()} {url} [{label}]")


# Endpoints whose body has documented fields (the others take no body: the raw-body
# sweep above covers them); chosen at collection, so nothing is skipped at run time.
FIELD_ENDPOINTS = [e for e in BODY_ENDPOINTS if _body_schema(e[1], e[0]).get("properties")]
IDEMPOTENT_ENDPOINTS = [e for e in BODY_ENDPOINTS if e[0] in ("post", "put")]


def test_the_field_sweep_covers_the_endpoints_that_take_fields():
    covered = {(m, r) for m, r, _ in FIELD_ENDPOINTS}
    assert ("post", "api/v1/pos/orders") in covered
    assert ("post", "api/v1/pos/orders/<int:order_id>/payment") in covered
    assert len(FIELD_ENDPOINTS) >= 15


@pytest.mark.parametrize("method,route,view", FIELD_ENDPOINTS, ids=_ids(FIELD_ENDPOINTS))
def test_bad_fields_from_the_schema(method, route, view, api_as, real_ids):
    schema = _body_schema(route, method)
    client = _client(route, api_as)
    url = _fill(route, real_ids)
    for label, body in _mutations(schema, real_ids):
        response = client.generic(
            method.upper(), url, json.dumps(body), content_type="application/json"
        )
        assert_enveloped(response, f"{method.upper()} {url} [{label}]")


@pytest.mark.parametrize("method,route,view", IDEMPOTENT_ENDPOINTS, ids=_ids(IDEMPOTENT_ENDPOINTS))
def test_bad_idempotency_keys(method, route, view, api_as, real_ids):
    client = _client(route, api_as)
    url = _fill(route, real_ids)
    for key in ("", " ", "x" * 300, "a\tb", "é" * 10):
        response = client.generic(
            method.upper(), url, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert_enveloped(response, f"{method.upper()} {url} [Idempotency-Key={key!r:.20}]")


@pytest.mark.embedded
@pytest.mark.parametrize("route,view", GET_ENDPOINTS, ids=_ids(GET_ENDPOINTS))
def test_bad_query_strings(route, view, api_as, real_ids):
    client = _client(route, api_as)
    url = _fill(route, real_ids)
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    operation = _schema()["paths"].get(path, {}).get("get", {})
    names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    queries = list(BAD_QUERIES)
    queries += [f"{name}={value}" for name in names for value in BAD_QUERY_VALUES]
    for query in queries:
        response = client.get(f"{url}?{query}")
        assert_enveloped(response, f"GET {url}?{query[:40]}")


@pytest.mark.parametrize("route,view", ID_ROUTES, ids=_ids(ID_ROUTES))
def test_bad_ids_in_paths(route, view, api_as, real_ids):
    client = _client(route, api_as)
    methods = [m for m in ("get", *BODY_METHODS) if hasattr(view, m)]
    for bad in BAD_PATH_IDS + ["-1", "abc", "1.5", "%F0%9F%8D%9B"]:
        url = _fill(route, real_ids, override=bad)
        for method in methods:
            response = client.generic(method.upper(), url, "{}", content_type="application/json")
            assert_enveloped(response, f"{method.upper()} {url}")
            if bad in BAD_PATH_IDS[1:]:  # no such object: never a success
                assert response.status_code >= 400, (
                    f"{method.upper()} {url}: {response.status_code}"
                )


def test_unknown_methods_answer_405_in_the_envelope(api_as):
    client = api_as("manager")
    for route, view in ROUTES:
        url = _fill(route, {"order": 1})
        for method in ("patch", "delete", "put", "post"):
            if hasattr(view, method):
                continue
            response = client.generic(method.upper(), url, "{}", content_type="application/json")
            assert_enveloped(response, f"{method.upper()} {url}")
            assert response.status_code in (401, 403, 405), f"{method.upper()} {url}"


# --- what the schema promises about headers and paging is what the server does -------------

HEADER_VALUES = [
    "", "a", "a b", " a", "a ", "\t", "é", "*", "3", '"3"', 'W/"3"', '"3', "²", "x y" * 9,
    "x" * 80, "x" * 81, "x" * 255, "x" * 256,
]  # fmt: skip


def _documented_headers():
    """(method, route, view, header name, header schema) of every header the schema documents."""
    found = []
    for method, route, view in BODY_ENDPOINTS + [("get", r, v) for r, v in GET_ENDPOINTS]:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        operation = _schema()["paths"].get(path, {}).get(method, {})
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header":
                found.append((method, route, view, parameter["name"], parameter["schema"]))
    return found


DOCUMENTED_HEADERS = _documented_headers()


def test_the_headers_with_limits_are_documented():
    names = {(m, r, name) for m, r, _, name, _ in DOCUMENTED_HEADERS}
    assert ("post", "api/v1/pos/orders", "Idempotency-Key") in names
    assert ("get", "api/v1/pos/session", "X-Device-Id") in names
    assert ("put", "api/v1/pos/orders/<int:order_id>", "If-Match") in names
    assert not any(
        name == "Idempotency-Key" for _, r, _, name, _ in DOCUMENTED_HEADERS if "auth/" in r
    )


@pytest.mark.parametrize(
    "method,route,view,name,schema",
    DOCUMENTED_HEADERS,
    ids=[f"{m.upper()} {r} {n}" for m, r, _, n, _ in DOCUMENTED_HEADERS],
)
def test_a_header_is_refused_exactly_when_its_schema_refuses_it(
    method, route, view, name, schema, api_as, real_ids
):
    from openapi_schema_validator import OAS30WriteValidator

    client, url = _client(route, api_as), _fill(route, real_ids)
    validator = OAS30WriteValidator(schema)
    for value in HEADER_VALUES:
        meta = "HTTP_" + name.upper().replace("-", "_")
        body = {"data": "{}", "content_type": "application/json"} if method != "get" else {}
        response = client.generic(method.upper(), url, **body, **{meta: value})
        assert_enveloped(response, f"{method.upper()} {url} [{name}: {value!r:.20}]")
        refused = response.status_code == 400 and name in response.json()["error"].get("fields", {})
        assert refused != validator.is_valid(value), (
            f"{method.upper()} {url} {name}: {value!r:.30} is "
            f"{'refused' if refused else 'accepted'} but the schema says the opposite"
        )


PAGINATED = sorted(
    (path, operation)
    for path, operations in _schema()["paths"].items()
    for method, operation in operations.items()
    if method == "get" and "meta" in str(operation["responses"].get("200", ""))
)


def test_every_list_that_answers_meta_documents_its_paging(api_as):
    assert len(PAGINATED) >= 8
    for path, operation in PAGINATED:
        per_page = next(p for p in operation["parameters"] if p["name"] == "per_page")
        assert per_page["schema"]["maximum"] == 100, path


def test_per_page_above_100_is_a_400_not_fewer_rows(api_as, real_ids):
    for path, _ in PAGINATED:
        url = re.sub(r"\{(\w+)\}", lambda m: str(real_ids.get(m.group(1)[:-3], 1)), path)
        client = api_as("driver" if "drivers/me" in url else "manager")
        assert client.get(f"{url}?per_page=100").status_code == 200, url
        too_many = client.get(f"{url}?per_page=101")
        assert too_many.status_code == 400, url
        assert "per_page" in too_many.json()["error"]["fields"], url


def test_an_undeclared_method_answers_405_whatever_its_idempotency_key(api_as):
    client = api_as("manager")
    url = "/api/v1/pos/tables/3/status"  # PUT only
    first = client.put(url, {"status": "free"}, format="json", HTTP_IDEMPOTENCY_KEY="k-405")
    assert first.status_code == 200
    # the key is taken by the PUT; a POST, which this path does not have, is a 405 all the same
    reused = client.post(url, {"status": "free"}, format="json", HTTP_IDEMPOTENCY_KEY="k-405")
    assert reused.status_code == 405 and reused.json()["error"]["code"] == "method_not_allowed"
    assert "PUT" in reused["Allow"]
    malformed = client.post(url, {"status": "free"}, format="json", HTTP_IDEMPOTENCY_KEY=" ")
    assert malformed.status_code == 405
    # and a 405 claims no key: the same key then works for the method that exists
    assert client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-new").status_code == 405
    again = client.put(url, {"status": "free"}, format="json", HTTP_IDEMPOTENCY_KEY="k-new")
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
