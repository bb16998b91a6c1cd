"""The envelope, auth and the permission layer (CONTRACT section 1)."""

import pytest
from django.urls import get_resolver

from hub.roles import PERMISSIONS


def test_login_returns_token_and_staff(demo, anon):
    response = anon.post(
        "/api/v1/auth/login", {"username": "waiter", "password": "demo1234"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["staff"]["role"] == "waiter"
    assert body["data"]["staff"]["outlet"] == {"id": 1, "code": "001", "name": "DesiBits Demo"}
    token = body["data"]["token"]
    from hub.models import ApiToken
    from hub.services.tokens import hash_token

    stored = ApiToken.objects.get(staff__username="waiter", key_hash=hash_token(token))
    assert token not in (stored.key_hash, stored.prefix)  # only the hash is stored


def test_payment_methods_exactly_as_reference(api_as):
    response = api_as("waiter").get("/api/v1/pos/payment-methods")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": [
            {"id": 1, "name": "Cash", "code": "cash"},
            {"id": 2, "name": "Card", "code": "card"},
            {"id": 3, "name": "UPI", "code": "upi"},
        ],
    }


def test_trailing_slash_answers_the_same_without_redirect(api_as):
    client = api_as("waiter")
    assert (
        client.get("/api/v1/pos/payment-methods/").json()
        == client.get("/api/v1/pos/payment-methods").json()
    )


def test_bad_credentials_answer_401_invalid_credentials(demo, anon):
    response = anon.post(
        "/api/v1/auth/login", {"username": "waiter", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_login_throttled_after_ten_failures_for_one_username(demo, anon):
    for _ in range(10):
        anon.post("/api/v1/auth/login", {"username": "cashier", "password": "x"}, format="json")
    response = anon.post(
        "/api/v1/auth/login", {"username": "cashier", "password": "demo1234"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_logout_revokes_only_that_token(api_as):
    first = api_as("cashier")
    second = api_as("cashier")
    assert first.post("/api/v1/auth/logout").status_code == 200
    assert first.get("/api/v1/pos/payment-methods").status_code == 401
    assert second.get("/api/v1/pos/payment-methods").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer nope", "Token abc", "Bearer"])
def test_missing_or_bad_token_answers_401_in_envelope(demo, anon, header):
    if header:
        anon.credentials(HTTP_AUTHORIZATION=header)
    response = anon.get("/api/v1/pos/payment-methods")
    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response.json()["error"]["code"] == "unauthenticated"


def test_unknown_url_and_wrong_method_in_envelope(api_as):
    client = api_as("manager")
    missing = client.get("/api/v1/pos/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/pos/payment-methods")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_malformed_json_and_oversize_body(demo, anon):
    bad = anon.generic("POST", "/api/v1/auth/login", "{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    huge = anon.generic(
        "POST", "/api/v1/auth/login", "x" * (1024 * 1024 + 1), content_type="application/json"
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"


def _api_views():
    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns)
            else:
                view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
                if view is not None:
                    yield str(p.pattern), view

    return list(walk(get_resolver().url_patterns))


def test_every_api_view_names_a_known_permission():
    from pos_api.permissions import PUBLIC
    from pos_api.views.base import HubApiView

    checked = 0
    for route, view in _api_views():
        if not issubclass(view, HubApiView):
            continue
        permission = view.permission
        names = permission.values() if isinstance(permission, dict) else [permission]
        for name in names:
            assert name == PUBLIC or name in PERMISSIONS, f"{route}: {view.__name__} names {name!r}"
        checked += 1
    assert checked >= 3
