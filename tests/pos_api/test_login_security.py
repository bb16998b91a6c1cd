"""Sign-in behind a load balancer, device labels, token use and idle expiry, failed-login
pruning (CONTRACT 1; docs/api.md "Auth and tokens", docs/operations.md)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub.models import ApiToken, FailedLogin, Staff
from hub.services.tokens import (
    hash_token,
    token_issue,
    token_resolve,
    tokens_mark_used,
    tokens_no_longer_valid,
)

LB = "10.0.0.2"
LOGIN = "/api/v1/auth/login"


def _login(client, username, password, *, peer=LB, forwarded=None, **body):
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        LOGIN, {"username": username, "password": password, **body}, format="json", **extra
    )


@pytest.fixture
def behind_lb(settings):
    settings.HUB_TRUSTED_PROXIES = ["10.0.0.0/29"]


# --- the throttle keys on the client, not the balancer -----------------------------


@pytest.mark.embedded
def test_one_tablets_typos_behind_the_balancer_do_not_lock_out_another(demo, anon, behind_lb):
    # ten typos on tablet A, each for a different name (so only the address counts)
    for i in range(10):
        _login(anon, f"nobody{i}", "x", forwarded="192.168.1.21")
    assert _login(anon, "cashier", "demo1234", forwarded="192.168.1.21").status_code == 429
    # tablet B, through the same balancer, signs in
    assert _login(anon, "cashier", "demo1234", forwarded="192.168.1.22").status_code == 200
    assert set(FailedLogin.objects.values_list("address", flat=True)) == {"192.168.1.21"}


def test_a_spoofed_forwarded_for_neither_dodges_the_throttle_nor_frames_another(
    demo, anon, behind_lb
):
    # tablet A puts a new fake address in front on every try; the balancer appends A
    for i in range(10):
        _login(anon, f"nobody{i}", "x", forwarded=f"172.16.0.{i}, 192.168.1.21")
    assert (
        _login(anon, "waiter", "demo1234", forwarded="172.16.0.99, 192.168.1.21").status_code == 429
    )
    # nobody it named is throttled
    assert _login(anon, "waiter", "demo1234", forwarded="172.16.0.3").status_code == 200


def test_an_untrusted_peers_forwarded_for_is_ignored(demo, anon, behind_lb):
    for i in range(10):
        _login(anon, f"nobody{i}", "x", peer="192.168.1.50", forwarded=f"172.16.0.{i}")
    assert _login(anon, "waiter", "demo1234", peer="192.168.1.50").status_code == 429
    assert set(FailedLogin.objects.values_list("address", flat=True)) == {"192.168.1.50"}


# --- device label ---------------------------------------------------------------------


@pytest.mark.embedded
def test_login_stores_the_device_label(demo, anon):
    response = _login(anon, "waiter", "demo1234", device="Till 2")
    assert response.status_code == 200
    token = ApiToken.objects.get(key_hash=hash_token(response.json()["data"]["token"]))
    assert token.label == "Till 2"


def test_device_label_over_80_characters_is_a_validation_error(demo, anon):
    response = _login(anon, "waiter", "demo1234", device="x" * 81)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "device" in response.json()["error"]["fields"]


def test_device_is_in_the_login_schema(anon, db):
    schema = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    login_in = schema["components"]["schemas"]["LoginInRequest"]
    assert login_in["properties"]["device"]["maxLength"] == 80
    assert "device" not in login_in.get("required", [])


# --- last_used_at ---------------------------------------------------------------------


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]


def _last_used_ago(raw: str, seconds: float) -> ApiToken:
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(seconds=seconds)
    )
    return token


def test_issuing_a_token_counts_as_its_first_use(demo):
    raw = token_issue(staff=Staff.objects.get(username="cashier"))
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)
    # so the first request after a login writes nothing
    with CaptureQueriesContext(connection) as first:
        token_resolve(raw)
    assert _updates(first.captured_queries) == []


@pytest.mark.embedded
def test_token_use_is_written_at_most_once_a_minute(demo):
    raw = token_issue(staff=Staff.objects.get(username="cashier"))
    token = _last_used_ago(raw, 3600)
    with CaptureQueriesContext(connection) as first:
        token_resolve(raw)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)
    assert len(_updates(first.captured_queries)) == 1
    # the next requests within the minute only read
    with CaptureQueriesContext(connection) as again:
        for _ in range(5):
            token_resolve(raw)
    assert _updates(again.captured_queries) == []
    # a minute later it is written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
    token_resolve(raw)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_rest_calls_mark_the_token_used(demo, anon):
    raw = token_issue(staff=Staff.objects.get(username="cashier"))
    token = _last_used_ago(raw, 3600)
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anon.get("/api/v1/pos/payment-methods").status_code == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_tokens_mark_used_is_one_update(demo):
    staff = Staff.objects.get(username="chef")
    ids = [_last_used_ago(token_issue(staff=staff), 3600).pk for _ in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        assert tokens_mark_used(ids) == 3
    assert len(ctx.captured_queries) == 1
    assert tokens_mark_used(ids) == 0  # within the minute: nothing written


# --- idle expiry ----------------------------------------------------------------------


def _age(raw: str, *, days: float, used: bool = True) -> int:
    then = timezone.now() - timedelta(days=days)
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=then, last_used_at=then if used else None
    )
    return token.pk


@pytest.mark.embedded
def test_idle_token_answers_401_and_a_used_one_works(demo, anon, settings):
    settings.HUB_TOKEN_IDLE_DAYS = 30
    staff = Staff.objects.get(username="cashier")
    idle, recent, never_used = (token_issue(staff=staff) for _ in range(3))
    _age(idle, days=31)
    _age(recent, days=29)
    _age(never_used, days=31, used=False)
    for raw, status in ((idle, 401), (recent, 200), (never_used, 401)):
        anon.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = anon.get("/api/v1/pos/payment-methods")
        assert response.status_code == status, raw
    assert response.json()["error"]["code"] == "unauthenticated"


def test_without_idle_days_old_tokens_keep_working(demo, anon, settings):
    settings.HUB_TOKEN_IDLE_DAYS = 0
    raw = token_issue(staff=Staff.objects.get(username="cashier"))
    _age(raw, days=400)
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anon.get("/api/v1/pos/payment-methods").status_code == 200


@pytest.mark.embedded
def test_tokens_no_longer_valid_applies_idle_expiry_in_one_query(demo, settings):
    settings.HUB_TOKEN_IDLE_DAYS = 7
    staff = Staff.objects.get(username="chef")
    idle, fresh, revoked = (token_issue(staff=staff) for _ in range(3))
    idle_id = _age(idle, days=8)
    fresh_id = _age(fresh, days=1)
    revoked_id = _age(revoked, days=1)
    ApiToken.objects.filter(pk=revoked_id).update(revoked_at=timezone.now())
    with CaptureQueriesContext(connection) as ctx:
        gone = tokens_no_longer_valid([idle_id, fresh_id, revoked_id])
    assert gone == {idle_id, revoked_id}
    assert len(ctx.captured_queries) == 1


# --- pruning --------------------------------------------------------------------------


def _old_failures(count: int) -> None:
    FailedLogin.objects.bulk_create(
        FailedLogin(username=f"old{i}", address="192.0.2.1") for i in range(count)
    )
    FailedLogin.objects.update(at=timezone.now() - timedelta(hours=2))


@pytest.mark.embedded
def test_a_failed_login_prunes_a_bounded_batch_of_expired_rows(demo, anon):
    _old_failures(150)
    _login(anon, "waiter", "wrong")
    # 100 of the 150 expired rows went; the new failure stays
    assert FailedLogin.objects.filter(username__startswith="old").count() == 50
    assert FailedLogin.objects.filter(username="waiter").count() == 1
    _login(anon, "waiter", "wrong")
    assert FailedLogin.objects.filter(username__startswith="old").count() == 0
    assert FailedLogin.objects.filter(username="waiter").count() == 2


def test_prune_failed_logins_command_keeps_the_window(demo, capsys):
    _old_failures(3)
    FailedLogin.objects.create(username="recent", address="192.0.2.1")
    call_command("prune_failed_logins")
    assert "Deleted 3 failed logins" in capsys.readouterr().out
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["recent"]
