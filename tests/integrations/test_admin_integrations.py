"""The integrations' admin pages (docs/admin.md, docs/integrations.md "Secrets"): a manager
rotates their store's platform secret (stored sealed, never shown), maps codes with only
their outlet's items and options offered, and sees only their outlet's rows."""

from __future__ import annotations

import pytest

from hub import models as m
from tests.hub.test_admin import change_links, options, signed_in
from tests.integrations.test_platform_intake import body, post

pytestmark = pytest.mark.embedded


def test_a_manager_rotates_the_platform_secret_and_intake_follows(demo):
    client = signed_in("manager")
    page = client.get("/admin/hub/platformaccount/1/change/")
    assert page.status_code == 200
    assert "demo-swiggy-secret" not in page.content.decode()
    assert m.PlatformAccount.objects.get(pk=1).secret_sealed != "demo-swiggy-secret"
    saved = client.post(
        "/admin/hub/platformaccount/1/change/",
        {"platform": 1, "outlet": 1, "new_secret": "a-brand-new-swiggy-secret", "is_active": "on"},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert post(body(), secret="demo-swiggy-secret").status_code == 401  # the old one is gone
    assert post(body(), secret="a-brand-new-swiggy-secret").status_code == 201
    # saving without typing a secret keeps the current one
    client.post(
        "/admin/hub/platformaccount/1/change/",
        {"platform": 1, "outlet": 1, "new_secret": "", "is_active": "on"},
    )
    assert post(body(ref="SWG-2"), secret="a-brand-new-swiggy-secret").status_code == 201
    # "active" off refuses the store's orders
    client.post("/admin/hub/platformaccount/1/change/", {"platform": 1, "outlet": 1})
    assert post(body(ref="SWG-3"), secret="a-brand-new-swiggy-secret").status_code == 401


def test_codes_are_mapped_within_the_managers_outlet(demo):
    client = signed_in("manager2")
    listing = client.get("/admin/hub/platformcode/")
    assert listing.status_code == 200
    assert change_links(listing.content.decode(), "platformcode") == set()  # 001's codes
    form = client.get("/admin/hub/platformcode/add/").content.decode()
    assert options(form, "menu_item") == {31, 32, 33}
    assert options(form, "modifier_option") == set()  # outlet 002 has no options
    added = client.post(
        "/admin/hub/platformcode/add/",
        {"platform": 1, "outlet": 2, "code": "SWG-31", "menu_item": 31},
    )
    assert added.status_code == 302
    assert m.PlatformCode.objects.get(code="SWG-31").outlet_id == 2
    both = client.post(
        "/admin/hub/platformcode/add/",
        {"platform": 1, "outlet": 2, "code": "SWG-32", "menu_item": 32, "modifier_option": 1},
    )
    assert both.status_code == 200  # refused: option 1 is not 002's (and one target only)
    assert not m.PlatformCode.objects.filter(code="SWG-32").exists()
