"""The admin for outlet managers: who gets in, what they see, what they may change
(hub/admin_site.py, hub/admin/, docs/admin.md).

Every test signs in through /admin/login/ with the demo password, as a person would.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hub.models import ApiToken, Event, Order, Outlet, Sequence, Staff
from hub.services.tokens import token_issue

pytestmark = pytest.mark.embedded

PASSWORD = "demo1234"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/", (
        f"{username} could not sign in to the admin"
    )
    return client


def change_links(html: str, model: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf'href="/admin/hub/{model}/(\d+)/change/', html)}


def options(html: str, name: str) -> set[int]:
    """The ids a <select name=...> offers."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return {int(v) for v in re.findall(r'<option value="(\d+)"', match.group(1))}


def an_order(outlet_id: int = 1) -> Order:
    from hub.services.orders import ItemInput, order_create

    outlet = Outlet.objects.get(pk=outlet_id)
    waiter = Staff.objects.get(username="waiter" if outlet_id == 1 else "waiter2")
    return order_create(
        outlet=outlet,
        by=waiter,
        order_type_id=2,
        items=[ItemInput(quantity=1, menu_item_id=15 if outlet_id == 1 else 31)],
    )


# --- who gets in --------------------------------------------------------------------


def test_the_demo_manager_signs_in_and_sees_their_back_office(demo):
    client = signed_in("manager")
    index = client.get("/admin/")
    html = index.content.decode()
    assert index.status_code == 200
    assert "have permission to view or edit anything" not in html
    # what a manager works with; internal rows (cursors, sessions, login records) are not
    assert set(re.findall(r'<th scope="row"[^>]*>\s*<a href="/admin/hub/(\w+)/"', html)) == {
        *("outlet", "staff", "apitoken", "printer", "printjob", "kitchen", "menuitem"),
        "modifiergroup",
        *("menucategory", "taxcategory", "table", "customer", "coupon", "deliverydriver"),
        *("order", "payment", "refund", "kot", "event", "sequence", "heldorder"),
        *("ordertype", "paymentmethod", "deliveryplatform"),
        *("platformaccount", "platformcode", "platformorder"),
        *("webhooksubscription", "webhookdelivery"),
    }
    assert "DesiBits Demo" in html  # whose back office this is
    printers = client.get("/admin/hub/printer/")
    assert printers.status_code == 200
    assert change_links(printers.content.decode(), "printer") == {1, 2}
    assert "Print a test page" in printers.content.decode()


def test_a_manager_added_without_staff_status_gets_in_on_their_role(demo):
    Staff.objects.filter(username="manager").update(is_staff=False)
    assert signed_in("manager").get("/admin/hub/printer/").status_code == 200


@pytest.mark.parametrize("username", ["waiter", "cashier", "chef", "driver"])
def test_other_roles_stay_out_even_with_staff_status(demo, username):
    Staff.objects.filter(username=username).update(is_staff=True)
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in client.session
    client.force_login(Staff.objects.get(username=username))
    assert client.get("/admin/hub/printer/").status_code == 302  # to the sign-in page


def test_a_deactivated_manager_stays_out(demo):
    Staff.objects.filter(username="manager").update(is_active=False)
    response = Client().post("/admin/login/", {"username": "manager", "password": PASSWORD})
    assert response.status_code == 200


def test_a_superuser_keeps_full_access(demo):
    root = Staff.objects.create_superuser("root", password=PASSWORD)
    client = signed_in(root.username)
    html = client.get("/admin/hub/printer/").content.decode()
    assert change_links(html, "printer") == {1, 2, 3, 4}
    assert client.get("/admin/hub/order/add/").status_code == 200
    assert client.get("/admin/hub/streamcursor/").status_code == 200


# --- one outlet only ------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, outlet1_id",
    [
        ("printer", 1),
        ("menuitem", 15),
        ("kitchen", 1),
        ("table", 1),
        ("customer", 10),
        ("coupon", None),
        ("taxcategory", 1),
        ("outlet", 1),
        ("staff", None),
    ],
)
def test_manager2_never_sees_outlet_001s_rows(demo, model, outlet1_id):
    from django.apps import apps

    model_class = apps.get_model("hub", model)
    path = "outlet" if model != "outlet" else "pk"
    if outlet1_id is None:
        outlet1_id = model_class.objects.filter(**{path: 1}).values_list("pk", flat=True)[0]
    client = signed_in("manager2")
    listing = client.get(f"/admin/hub/{model}/")
    assert listing.status_code == 200
    shown = change_links(listing.content.decode(), model)
    assert shown, f"manager2 sees no {model} of their own"
    assert shown <= set(model_class.objects.filter(**{path: 2}).values_list("pk", flat=True))
    # another outlet's row answers exactly as a row that does not exist
    foreign = client.get(f"/admin/hub/{model}/{outlet1_id}/change/")
    missing = client.get(f"/admin/hub/{model}/987654/change/")
    assert foreign.status_code == missing.status_code == 302
    assert foreign["Location"] == missing["Location"] == "/admin/"
    assert client.post(f"/admin/hub/{model}/{outlet1_id}/delete/", {"post": "yes"}).status_code in (
        302,
        403,
    )
    assert model_class.objects.filter(pk=outlet1_id).exists()


def test_records_of_another_outlet_are_absent_too(demo):
    order = an_order(outlet_id=1)
    client = signed_in("manager2")
    assert order.pk not in change_links(client.get("/admin/hub/order/").content.decode(), "order")
    assert client.get(f"/admin/hub/order/{order.pk}/change/")["Location"] == "/admin/"
    events = client.get("/admin/hub/event/?q=orders.1").content.decode()
    assert change_links(events, "event") == set()
    mine = signed_in("manager").get("/admin/hub/event/?q=orders.1").content.decode()
    assert change_links(mine, "event")  # the same search finds them for outlet 001's manager


def test_forms_offer_only_the_outlets_kitchens_printers_and_taxes(demo):
    client = signed_in("manager2")
    item_form = client.get("/admin/hub/menuitem/31/change/").content.decode()
    assert options(item_form, "kitchen") == {3, 4}
    assert options(item_form, "tax_category") == {3}
    assert options(item_form, "category") == {7}
    kitchen_form = client.get("/admin/hub/kitchen/3/change/").content.decode()
    assert options(kitchen_form, "printer") == {3, 4}
    staff_form = client.get(
        f"/admin/hub/staff/{Staff.objects.get(username='waiter2').pk}/change/"
    ).content.decode()
    assert options(staff_form, "kitchens") == {3, 4}
    # the outlet is shown, fixed: a disabled select holding only the manager's outlet
    assert re.search(r'<select name="outlet"[^>]*disabled', item_form)
    assert options(item_form, "outlet") == {2}


def test_a_form_cannot_point_at_another_outlets_kitchen_or_printer(demo):
    client = signed_in("manager2")
    response = client.post(
        "/admin/hub/kitchen/3/change/", {"name": "Main Kitchen", "printer": "1", "outlet": "1"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    kitchen = Outlet.objects.get(pk=2).kitchens.get(pk=3)
    assert kitchen.printer_id == 3 and kitchen.outlet_id == 2


def test_what_a_manager_adds_belongs_to_their_outlet_whatever_the_form_says(demo):
    client = signed_in("manager2")
    response = client.post(
        "/admin/hub/table/add/", {"name": "Patio 1", "area": "Patio", "seats": "4", "outlet": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    table = Outlet.objects.get(pk=2).tables.get(name="Patio 1")
    assert table.outlet_id == 2


# --- no way up ------------------------------------------------------------------------


def test_a_manager_cannot_make_anyone_superuser_staff_or_move_them(demo):
    client = signed_in("manager")
    waiter = Staff.objects.get(username="waiter")
    form = client.get(f"/admin/hub/staff/{waiter.pk}/change/").content.decode()
    for field in ["is_superuser", "is_staff", "groups", "user_permissions"]:
        assert f'name="{field}"' not in form, field
    response = client.post(
        f"/admin/hub/staff/{waiter.pk}/change/",
        {
            "username": "waiter",
            "first_name": "",
            "last_name": "",
            "email": "",
            "role": "waiter",
            "outlet": "2",
            "display_name": "Wasim Waiter",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    waiter.refresh_from_db()
    assert (waiter.is_superuser, waiter.is_staff, waiter.outlet_id) == (False, False, 1)


def test_a_manager_cannot_demote_or_deactivate_themselves(demo):
    client = signed_in("manager")
    me = Staff.objects.get(username="manager")
    form = client.get(f"/admin/hub/staff/{me.pk}/change/").content.decode()
    assert 'name="role"' not in form and 'name="is_active"' not in form
    client.post(
        f"/admin/hub/staff/{me.pk}/change/",
        {"username": "manager", "role": "waiter", "display_name": "Maya Manager"},
    )
    me.refresh_from_db()
    assert (me.role, me.is_active) == ("manager", True)
    assert client.get("/admin/hub/printer/").status_code == 200


def test_a_manager_adds_staff_to_their_own_outlet_only(demo):
    client = signed_in("manager2")
    response = client.post(
        "/admin/hub/staff/add/",
        {
            "username": "cook2",
            "usable_password": "true",
            "password1": "a long enough pass 42",
            "password2": "a long enough pass 42",
            "role": "kitchen",
            "outlet": "1",
            "display_name": "Kiran Cook",
            "kitchens": ["3"],
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cook = Staff.objects.get(username="cook2")
    assert (cook.outlet_id, cook.role) == (2, "kitchen")
    assert not cook.is_superuser and not cook.is_staff
    assert list(cook.kitchens.values_list("pk", flat=True)) == [3]


def test_superusers_are_not_in_a_managers_staff_list(demo):
    Staff.objects.create_superuser("root", password=PASSWORD, outlet_id=1)
    client = signed_in("manager")
    root = Staff.objects.get(username="root")
    assert root.pk not in change_links(client.get("/admin/hub/staff/").content.decode(), "staff")
    assert client.get(f"/admin/hub/staff/{root.pk}/password/").status_code in (302, 404)


def test_token_hashes_are_shown_to_nobody_and_managers_revoke_their_outlets(demo):
    waiter = Staff.objects.get(username="waiter")
    token_issue(staff=waiter, label="tablet 3")
    token = ApiToken.objects.get(staff=waiter, label="tablet 3")
    client = signed_in("manager")
    page = client.get(f"/admin/hub/apitoken/{token.pk}/change/").content.decode()
    assert "tablet 3" in page and token.key_hash not in page and "key_hash" not in page
    assert client.get("/admin/hub/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/hub/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # manager2 cannot even select it
    other = token_issue(staff=waiter, label="tablet 4")
    assert other
    token4 = ApiToken.objects.get(label="tablet 4")
    signed_in("manager2").post(
        "/admin/hub/apitoken/", {"action": "revoke", "_selected_action": [str(token4.pk)]}
    )
    token4.refresh_from_db()
    assert token4.revoked_at is None


# --- records are read-only -----------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["order", "payment", "kot", "event", "sequence", "printjob", "refund"]
)
def test_records_are_read_only_for_a_manager(demo, model):
    order = an_order()
    from hub.services.kitchen import kot_send
    from hub.services.payments import PaymentRequest, payments_capture

    kot_send(order_id=order.pk, outlet=order.outlet, by=Staff.objects.get(username="waiter"))
    from decimal import Decimal

    payments_capture(
        order_id=order.pk,
        outlet=order.outlet,
        by=Staff.objects.get(username="cashier"),
        requests=[PaymentRequest("cash", Decimal("1.00"))],
    )
    ids = {
        "order": order.pk,
        "payment": order.payments.first().pk,
        "kot": order.kots.first().pk,
        "event": Event.objects.filter(outlet_id=1).first().pk,
        "sequence": Sequence.objects.filter(outlet_id=1).first().pk,
        "printjob": order.print_jobs.first().pk,
    }
    client = signed_in("manager")
    assert client.get(f"/admin/hub/{model}/").status_code == 200
    assert client.get(f"/admin/hub/{model}/add/").status_code == 403
    if model not in ids:  # no refund yet: listing and adding is what there is to check
        return
    page = client.get(f"/admin/hub/{model}/{ids[model]}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    row = f"/admin/hub/{model}/{ids[model]}"
    assert client.post(f"{row}/change/", {}).status_code == 403
    assert client.post(f"{row}/delete/", {"post": "yes"}).status_code == 403
    assert "delete_selected" not in client.get(f"/admin/hub/{model}/").content.decode()


def test_order_invoice_numbers_cannot_be_edited(demo):
    order = an_order()
    Order.objects.filter(pk=order.pk).update(invoice_number="INV/001/2026-27/000001")
    client = signed_in("manager")
    page = client.get(f"/admin/hub/order/{order.pk}/change/").content.decode()
    assert "INV/001/2026-27/000001" in page
    assert 'name="invoice_number"' not in page
