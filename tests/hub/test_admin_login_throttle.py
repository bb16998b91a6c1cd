"""The admin's sign-in shares the API login's throttle (hub/auth_backends.py,
docs/operations.md "Sign-in throttle")."""

import pytest

from hub.models import FailedLogin

ADMIN_LOGIN = "/admin/login/?next=/admin/"
API_LOGIN = "/api/v1/auth/login"


def _admin_login(client, username, password, **extra):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password}, **extra)


@pytest.mark.embedded
def test_admin_login_is_throttled_after_ten_failures_with_a_clear_message(demo, client):
    for _ in range(10):
        response = _admin_login(client, "manager", "wrong")
        assert response.status_code == 200  # the form again, with Django's message
    response = _admin_login(client, "manager", "demo1234")
    # the right password no longer signs in, and the page says why
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in response.content.decode()
    assert FailedLogin.objects.filter(username="manager").count() == 10


def test_admin_login_still_works_below_the_limit(demo, client):
    for _ in range(9):
        _admin_login(client, "manager", "wrong")
    response = _admin_login(client, "manager", "demo1234")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_api_failures_lock_the_admin_door_too(demo, client, anon):
    for _ in range(10):
        anon.post(API_LOGIN, {"username": "manager", "password": "x"}, format="json")
    response = _admin_login(client, "manager", "demo1234")
    assert "Too many failed sign-ins" in response.content.decode()


def test_admin_failures_lock_the_api_door_too(demo, client, anon):
    for _ in range(10):
        _admin_login(client, "manager", "wrong")
    response = anon.post(API_LOGIN, {"username": "manager", "password": "demo1234"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_admin_throttle_keys_on_the_client_behind_a_trusted_balancer(demo, client, settings):
    settings.HUB_TRUSTED_PROXIES = ["10.0.0.2"]
    lb = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(10):
        _admin_login(client, f"nobody{i}", "x", HTTP_X_FORWARDED_FOR="192.168.1.21", **lb)
    assert set(FailedLogin.objects.values_list("address", flat=True)) == {"192.168.1.21"}
    blocked = _admin_login(client, "manager", "demo1234", HTTP_X_FORWARDED_FOR="192.168.1.21", **lb)
    assert "Too many failed sign-ins" in blocked.content.decode()
    other = _admin_login(client, "manager", "demo1234", HTTP_X_FORWARDED_FOR="192.168.1.22", **lb)
    assert other.status_code == 302


@pytest.mark.embedded
def test_authenticate_without_a_request_counts_by_username_only(demo):
    from django.contrib.auth import authenticate

    assert authenticate(username="waiter", password="wrong") is None
    assert list(FailedLogin.objects.values_list("username", "address")) == [("waiter", "")]
