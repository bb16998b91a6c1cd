"""The screens' pages and static files, without a browser (docs/screens.md)."""

import re

import pytest
from django.core.management import call_command

SCREEN_PATHS = [
    "/",
    "/kds/1/",
    "/kds/1",
    "/waiter/",
    "/waiter",
    "/driver/",
    "/manager/",
    "/manager",
]


@pytest.mark.embedded
@pytest.mark.parametrize("path", SCREEN_PATHS)
def test_each_screen_is_served_by_the_hub_without_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/displays/js/api.js" in html and "/static/displays/js/hubsocket.js" in html
    # nothing loads from anywhere else: every src and href is local (or data:)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") or url.startswith("data:"), url


@pytest.mark.embedded
def test_the_kitchen_page_knows_its_kitchen_and_pages_pick_their_script(client):
    assert 'data-kitchen-id="7"' in client.get("/kds/7/").content.decode()
    assert "/static/displays/js/kds.js" in client.get("/kds/1/").content.decode()
    assert "/static/displays/js/waiter.js" in client.get("/waiter/").content.decode()
    assert "/static/displays/js/driver.js" in client.get("/driver/").content.decode()
    assert "/static/displays/js/login.js" in client.get("/").content.decode()
    assert "/static/displays/js/manager.js" in client.get("/manager/").content.decode()
    assert client.get("/kds/abc/").status_code == 404


@pytest.mark.embedded
@pytest.mark.parametrize(
    "name",
    [
        "js/api.js",
        "js/hubsocket.js",
        "js/login.js",
        "js/kds.js",
        "js/manager.js",
        "js/waiter.js",
        "js/driver.js",
        "css/screens.css",
    ],
)
def test_static_files_are_served_without_collectstatic(client, name):
    response = client.get(f"/static/displays/{name}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 500
    assert b"http://" not in body and b"https://" not in body  # no CDN, no external load


@pytest.mark.embedded
def test_device_token_command_prints_a_token_that_signs_in(demo, capsys):
    from hub.services.tokens import token_resolve

    call_command("device_token", "chef", "--label", "Main kitchen wall")
    raw = capsys.readouterr().out.strip()
    staff, token = token_resolve(raw)
    assert staff.username == "chef" and token.label == "Main kitchen wall"


@pytest.mark.embedded
def test_device_token_command_refuses_unknown_users(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("device_token", "nobody")
