"""The demo restaurant (hub/demo/restaurant.toml, loaded by hub/demo/loader.py): CONTRACT
section 9's fixed ids, the values computed as the API computes them, and `seed_demo`
loading only into an empty database."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from hub import models as m
from hub.demo import DEMO_PASSWORD, DatabaseNotEmpty, demo_is_loaded, seed_demo
from hub.demo.loader import _Loader
from hub.phones import phone_normalize

pytestmark = pytest.mark.embedded


def _counts() -> dict[str, int]:
    names = ["Outlet", "Staff", "MenuItem", "Customer", "Coupon", "Table", "ModifierOption"]
    return {name: getattr(m, name).objects.count() for name in names}


def test_the_demo_has_the_contracts_fixed_ids(demo):
    o1, o2 = m.Outlet.objects.get(pk=1), m.Outlet.objects.get(pk=2)
    assert (o1.code, o1.name, o1.timezone, o1.currency) == (
        "001",
        "DesiBits Demo",
        "Asia/Kolkata",
        "INR",
    )
    assert (o1.prices_include_tax, o1.round_off) == (False, False)
    assert (o1.cashier_max_discount_percent, o1.waiter_max_discount_percent) == (10, 0)
    assert o2.code == "002"
    staff = {s.username: s for s in m.Staff.objects.all()}
    for username in ["manager", "cashier", "waiter", "chef", "driver"]:
        assert staff[username].outlet_id == 1 and staff[username].check_password(DEMO_PASSWORD)
    for username in ["manager2", "waiter2"]:
        assert staff[username].outlet_id == 2 and staff[username].check_password(DEMO_PASSWORD)
    assert list(staff["chef"].kitchens.values_list("id", flat=True)) == [1]
    assert m.DeliveryDriver.objects.get(pk=1).staff == staff["driver"]
    assert list(m.OrderType.objects.values_list("id", "code")) == [
        (1, "dine_in"),
        (2, "takeaway"),
        (3, "delivery"),
    ]
    tables = m.Table.objects.filter(outlet_id=1)
    assert list(tables.values_list("id", flat=True)) == list(range(1, 13))
    assert {t.seats for t in tables} <= set(range(2, 9)) and {2, 8} <= {t.seats for t in tables}
    assert list(m.Kitchen.objects.filter(outlet_id=1).values_list("id", "name")) == [
        (1, "Main Kitchen"),
        (2, "Bar"),
    ]
    items = {i.pk: i for i in m.MenuItem.objects.filter(outlet_id=1)}
    assert sorted(items) == list(range(1, 31))
    assert all(i.kitchen_id in (1, 2) for i in items.values())
    paneer, chai = items[15], items[16]
    assert (paneer.name, paneer.price, paneer.kitchen_id) == ("Paneer Tikka", Decimal("12.99"), 1)
    assert (chai.price, chai.kitchen_id) == (Decimal("4.50"), 2)
    for item in (paneer, chai):
        assert item.tax_category.name == "GST 5%"
        rates = item.tax_category.components.values_list("name", "rate")
        assert sorted(rates) == [("CGST", Decimal("2.5")), ("SGST", Decimal("2.5"))]
    assert any(i.tax_category_id is None for i in items.values())
    assert any(i.is_open_price for i in items.values())
    assert m.Customer.objects.get(pk=10).outlet_id == 1
    assert list(m.PaymentMethod.objects.values_list("id", "name", "code")) == [
        (1, "Cash", "cash"),
        (2, "Card", "card"),
        (3, "UPI", "upi"),
    ]
    assert list(m.DeliveryDriver.objects.values_list("id", flat=True)) == [1, 2, 3]
    assert list(m.DeliveryPlatform.objects.values_list("id", flat=True)) == [1, 2, 3]
    coupons = {c.code: c for c in m.Coupon.objects.filter(outlet_id=1)}
    assert (coupons["WELCOME10"].discount_type, coupons["WELCOME10"].value) == ("percent", 10)
    assert (coupons["FLAT50"].value, coupons["FLAT50"].min_subtotal) == (50, 200)
    expired = coupons["EXPIRED5"]
    assert expired.valid_from < expired.valid_until < timezone.now()
    assert [(p.pk, p.role) for p in m.Printer.objects.filter(outlet_id=1)] == [
        (1, "kitchen"),
        (2, "receipt"),
    ]


def test_computed_values_are_what_the_api_would_store(demo):
    for customer in m.Customer.objects.select_related("outlet"):
        assert customer.phone_digits == phone_normalize(
            customer.phone, region=customer.outlet.country
        )
    for printer in m.Printer.objects.all():
        assert printer.address == str(settings.HUB_PRINT_SPOOL_DIR / f"printer-{printer.pk}.bin")
    assert not m.Staff.objects.filter(password=DEMO_PASSWORD).exists()  # hashed, never plain


def test_seed_demo_on_the_demo_does_nothing(demo, capsys):
    before = _counts()
    assert seed_demo() == {"loaded": False, "reason": "already loaded"}
    call_command("seed_demo")
    assert "already loaded; nothing to do" in capsys.readouterr().out
    assert _counts() == before


def test_seed_demo_refuses_a_database_that_holds_other_data(demo):
    m.Outlet.objects.filter(pk=1).update(name="Chez Nous")  # someone's own restaurant
    before = _counts()
    assert not demo_is_loaded()
    with pytest.raises(DatabaseNotEmpty):
        seed_demo()
    with pytest.raises(CommandError, match="not the demo"):
        call_command("seed_demo")
    assert _counts() == before


def test_seed_demo_loads_an_empty_database(demo, capsys):
    # flush inside the test's transaction: the rollback brings the demo back
    call_command("flush", interactive=False, reset_sequences=False, inhibit_post_migrate=True)
    assert _counts() == dict.fromkeys(_counts(), 0)
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo restaurant loaded." in out and "manager2   manager  outlet 002" in out
    assert demo_is_loaded()
    assert _counts() == {
        "Outlet": 2,
        "Staff": 9,
        "MenuItem": 33,
        "Customer": 12,
        "Coupon": 4,
        "Table": 18,
        "ModifierOption": 7,
    }
    # the ids are the file's, so the sequences were moved past them
    assert m.Customer.objects.create(outlet_id=1, name="New guest").pk == 13


def test_the_loader_names_a_field_the_model_does_not_have(demo):
    with pytest.raises(ValueError, match="MenuItem has no field 'nmae'"):
        _Loader(password=DEMO_PASSWORD).load("MenuItem", [{"id": 99, "nmae": "Typo"}])
    with pytest.raises(ValueError, match="write decimals as strings"):
        _Loader(password=DEMO_PASSWORD).load("Coupon", [{"id": 99, "value": 9.99}])
