"""pos_api/parsers.py: bodies Python or the database cannot take answer 400, not 500."""

import pytest


@pytest.mark.embedded
@pytest.mark.parametrize(
    "raw,message",
    [
        (b"[" * 50000 + b"]" * 50000, "nested deeper"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "nested deeper"),
        (b'{"name": "a\\u0000b"}', "NUL"),
        (b'{"a\\u0000": 1}', "NUL"),
        (b'{"name": "\\ud800"}', "Unicode"),
        (b'{"name": ["ok", {"x": "\\udfff"}]}', "Unicode"),
        (b'{"amount": NaN}', ""),
    ],
)
def test_unstorable_bodies_are_400(api_as, raw, message):
    response = api_as("waiter").generic(
        "POST", "/api/v1/pos/customers", raw, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and message in error["message"]


def test_ordinary_unicode_and_moderate_nesting_pass(api_as):
    response = api_as("waiter").post(
        "/api/v1/pos/customers", {"name": "Zoë 🍛 ಕನ್ನಡ", "address": "Flat 2 😀"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"]["name"] == "Zoë 🍛 ಕನ್ನಡ"
