"""The demo restaurant of CONTRACT section 9, with fixed ids so the reference's examples work.

`seed_demo` loads it into an empty database. It refuses a database that holds
anything else, and does nothing on one that already holds exactly the demo.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from hub import models as m
from hub.phones import phone_normalize

DEMO_PASSWORD = "demo1234"
D = Decimal


class DatabaseNotEmpty(Exception):
    pass


def demo_is_loaded() -> bool:
    return m.Outlet.objects.filter(pk=1, code="001", name="DesiBits Demo").exists()


def database_is_empty() -> bool:
    return not (
        m.Outlet.objects.exists()
        or m.Staff.objects.exists()
        or m.OrderType.objects.exists()
        or m.PaymentMethod.objects.exists()
    )


# (id, name, price, kitchen_id, tax_category_id or None, open_price, category_id)
OUTLET1_MENU = [
    (1, "Veg Samosa", "3.50", 1, 1, False, 1),
    (2, "Onion Bhaji", "3.99", 1, 1, False, 1),
    (3, "Chicken 65", "8.99", 1, 1, False, 1),
    (4, "Hara Bhara Kebab", "6.49", 1, 1, False, 1),
    (5, "Aloo Tikki Chaat", "5.49", 1, 1, False, 1),
    (6, "Butter Chicken", "14.99", 1, 1, False, 2),
    (7, "Dal Makhani", "10.99", 1, 1, False, 2),
    (8, "Palak Paneer", "11.99", 1, 1, False, 2),
    (9, "Lamb Rogan Josh", "16.99", 1, 1, False, 2),
    (10, "Chana Masala", "9.99", 1, 1, False, 2),
    (11, "Hyderabadi Biryani", "15.49", 1, 1, False, 2),
    (12, "Butter Naan", "2.99", 1, 1, False, 3),
    (13, "Garlic Naan", "3.49", 1, 1, False, 3),
    (14, "Jeera Rice", "4.99", 1, 1, False, 3),
    (15, "Paneer Tikka", "12.99", 1, 1, False, 1),
    (16, "Masala Chai", "4.50", 2, 1, False, 4),
    (17, "Mango Lassi", "4.99", 2, 1, False, 4),
    (18, "Sweet Lime Soda", "3.99", 2, 1, False, 4),
    (19, "Cold Coffee", "5.49", 2, 1, False, 4),
    (20, "Filter Coffee", "3.49", 2, 1, False, 4),
    (21, "Mineral Water", "1.50", 2, None, False, 4),
    (22, "Kingfisher Beer", "6.99", 2, 2, False, 5),
    (23, "House Red Wine", "8.99", 2, 2, False, 5),
    (24, "Gin and Tonic", "9.49", 2, 2, False, 5),
    (25, "Gulab Jamun", "4.49", 1, 1, False, 6),
    (26, "Rasmalai", "4.99", 1, 1, False, 6),
    (27, "Kulfi", "4.49", 1, 1, False, 6),
    (28, "Fresh Fruit Bowl", "5.99", 1, None, False, 6),
    (29, "Chef's Special", "0.00", 1, 1, True, 2),
    (30, "Open Bar Item", "0.00", 2, 2, True, 5),
]

# CONTRACT 11: (group id, menu item id, name, min, max, [(option id, name, price), ...])
MODIFIER_GROUPS = [
    (1, 15, "Extras", 0, 2, [(1, "Extra cheese", "1.50"), (2, "Mint chutney", "0.50")]),
    (2, 11, "Portion", 1, 1, [(3, "Half", "0.00"), (4, "Full", "6.00")]),
    (3, 6, "Spice level", 0, 1, [(5, "Mild", "0.00"), (6, "Medium", "0.00"), (7, "Hot", "0.00")]),
]


@transaction.atomic
def seed_demo(*, password: str = DEMO_PASSWORD) -> dict:
    """Load the demo; returns a summary with the logins. Raises DatabaseNotEmpty."""
    if demo_is_loaded():
        return {"loaded": False, "reason": "already loaded"}
    if not database_is_empty():
        raise DatabaseNotEmpty(
            "This database already holds data that is not the demo; seed_demo only loads "
            "into an empty database. Use a new DATABASE_URL (or delete var/hub.sqlite3)."
        )
    now = timezone.now()

    o1 = m.Outlet.objects.create(
        id=1,
        code="001",
        name="DesiBits Demo",
        timezone="Asia/Kolkata",
        currency="INR",
        address="12 MG Road, Bengaluru 560001",
        phone="+91 80 4000 1234",
        tax_id="29ABCDE1234F1Z5",
        prices_include_tax=False,
        round_off=False,
        cashier_max_discount_percent=D("10"),
        waiter_max_discount_percent=D("0"),
        table_release_status="cleaning",
        auto_print_kot=True,
    )
    o2 = m.Outlet.objects.create(
        id=2,
        code="002",
        name="DesiBits Indiranagar",
        timezone="Asia/Kolkata",
        currency="INR",
        address="100 Feet Road, Indiranagar, Bengaluru 560038",
        tax_id="29ABCDE1234F2Z4",
    )

    m.OrderType.objects.bulk_create(
        [
            m.OrderType(id=1, code="dine_in", name="Dine In", requires_table=True),
            m.OrderType(id=2, code="takeaway", name="Takeaway"),
            m.OrderType(id=3, code="delivery", name="Delivery", requires_customer=True),
        ]
    )
    m.PaymentMethod.objects.bulk_create(
        [
            m.PaymentMethod(id=1, code="cash", name="Cash", is_cash=True),
            m.PaymentMethod(id=2, code="card", name="Card"),
            m.PaymentMethod(id=3, code="upi", name="UPI"),
        ]
    )
    m.DeliveryPlatform.objects.bulk_create(
        [
            m.DeliveryPlatform(id=1, code="swiggy", name="Swiggy"),
            m.DeliveryPlatform(id=2, code="zomato", name="Zomato"),
            m.DeliveryPlatform(id=3, code="own_app", name="DesiBits App"),
        ]
    )

    spool = settings.HUB_PRINT_SPOOL_DIR
    m.Printer.objects.bulk_create(
        [
            m.Printer(
                id=1,
                outlet=o1,
                name="Kitchen Printer",
                role="kitchen",
                connection="file",
                address=str(spool / "printer-1.bin"),
                paper_width_mm=80,
            ),
            m.Printer(
                id=2,
                outlet=o1,
                name="Receipt Printer",
                role="receipt",
                connection="file",
                address=str(spool / "printer-2.bin"),
                paper_width_mm=80,
            ),
            m.Printer(
                id=3,
                outlet=o2,
                name="Kitchen Printer",
                role="kitchen",
                connection="file",
                address=str(spool / "printer-3.bin"),
                paper_width_mm=58,
            ),
            m.Printer(
                id=4,
                outlet=o2,
                name="Receipt Printer",
                role="receipt",
                connection="file",
                address=str(spool / "printer-4.bin"),
                paper_width_mm=80,
            ),
        ]
    )
    m.Kitchen.objects.bulk_create(
        [
            m.Kitchen(id=1, outlet=o1, name="Main Kitchen", printer_id=1),
            m.Kitchen(id=2, outlet=o1, name="Bar", printer_id=1),
            m.Kitchen(id=3, outlet=o2, name="Main Kitchen", printer_id=3),
            m.Kitchen(id=4, outlet=o2, name="Bar", printer_id=3),
        ]
    )

    m.TaxCategory.objects.bulk_create(
        [
            m.TaxCategory(id=1, outlet=o1, name="GST 5%"),
            m.TaxCategory(id=2, outlet=o1, name="GST 18%"),
            m.TaxCategory(id=3, outlet=o2, name="GST 5%"),
        ]
    )
    m.TaxComponent.objects.bulk_create(
        [
            m.TaxComponent(category_id=1, name="CGST", rate=D("2.5")),
            m.TaxComponent(category_id=1, name="SGST", rate=D("2.5")),
            m.TaxComponent(category_id=2, name="CGST", rate=D("9")),
            m.TaxComponent(category_id=2, name="SGST", rate=D("9")),
            m.TaxComponent(category_id=3, name="CGST", rate=D("2.5")),
            m.TaxComponent(category_id=3, name="SGST", rate=D("2.5")),
        ]
    )

    m.MenuCategory.objects.bulk_create(
        [
            m.MenuCategory(id=1, outlet=o1, name="Starters", sort_order=1),
            m.MenuCategory(id=2, outlet=o1, name="Mains", sort_order=2),
            m.MenuCategory(id=3, outlet=o1, name="Breads and Rice", sort_order=3),
            m.MenuCategory(id=4, outlet=o1, name="Drinks", sort_order=4),
            m.MenuCategory(id=5, outlet=o1, name="Bar", sort_order=5),
            m.MenuCategory(id=6, outlet=o1, name="Desserts", sort_order=6),
            m.MenuCategory(id=7, outlet=o2, name="All Day", sort_order=1),
        ]
    )
    m.MenuItem.objects.bulk_create(
        [
            m.MenuItem(
                id=i,
                outlet=o1,
                name=name,
                price=D(price),
                kitchen_id=k,
                tax_category_id=t,
                is_open_price=open_price,
                category_id=c,
                sort_order=i,
            )
            for (i, name, price, k, t, open_price, c) in OUTLET1_MENU
        ]
        + [
            m.MenuItem(
                id=31,
                outlet=o2,
                name="Masala Dosa",
                price=D("7.99"),
                kitchen_id=3,
                tax_category_id=3,
                category_id=7,
                sort_order=1,
            ),
            m.MenuItem(
                id=32,
                outlet=o2,
                name="Idli Sambar",
                price=D("5.99"),
                kitchen_id=3,
                tax_category_id=3,
                category_id=7,
                sort_order=2,
            ),
            m.MenuItem(
                id=33,
                outlet=o2,
                name="Filter Coffee",
                price=D("2.99"),
                kitchen_id=4,
                tax_category_id=3,
                category_id=7,
                sort_order=3,
            ),
        ]
    )

    areas = {
        1: "Main Hall",
        2: "Main Hall",
        3: "Main Hall",
        4: "Main Hall",
        5: "Main Hall",
        6: "Main Hall",
        7: "Terrace",
        8: "Terrace",
        9: "Terrace",
        10: "Private Room",
        11: "Private Room",
        12: "Bar Counter",
    }
    seats = {1: 2, 2: 2, 3: 4, 4: 4, 5: 4, 6: 4, 7: 6, 8: 6, 9: 4, 10: 8, 11: 8, 12: 2}
    m.Table.objects.bulk_create(
        [
            m.Table(id=i, outlet=o1, name=f"T{i}", seats=seats[i], area=areas[i], status="free")
            for i in range(1, 13)
        ]
        + [
            m.Table(id=12 + i, outlet=o2, name=f"T{i}", seats=4, area="Hall", status="free")
            for i in range(1, 7)
        ]
    )

    customers1 = [
        (1, "Aarav Sharma", "+91 98450 00001", "aarav@example.com", "1 Residency Road"),
        (2, "Diya Patel", "+91 98450 00002", "diya@example.com", "22 Brigade Road"),
        (3, "Vihaan Reddy", "+91 98450 00003", "vihaan@example.com", "5 Church Street"),
        (4, "Ananya Iyer", "+91 98450 00004", "ananya@example.com", "9 Lavelle Road"),
        (5, "Arjun Nair", "+91 98450 00005", "", "14 Cunningham Road"),
        (6, "Ishita Gupta", "+91 98450 00006", "ishita@example.com", ""),
        (7, "Kabir Singh", "+91 98450 00007", "kabir@example.com", "3 Richmond Road"),
        (8, "Meera Menon", "+91 98450 00008", "meera@example.com", "18 Infantry Road"),
        (9, "Rohan Das", "+91 98450 00009", "", "7 Museum Road"),
        (
            10,
            "Priya Kapoor",
            "+91 98765 43210",
            "priya.kapoor@example.com",
            "42 Koramangala 5th Block, Bengaluru 560095",
        ),
    ]
    m.Customer.objects.bulk_create(
        [
            m.Customer(
                id=i,
                outlet=o1,
                name=n,
                phone=p,
                phone_digits=phone_normalize(p, region=o1.country),
                email=e,
                address=a,
            )
            for (i, n, p, e, a) in customers1
        ]
        + [
            m.Customer(
                id=11,
                outlet=o2,
                name="Sanjay Rao",
                phone="+91 99000 11111",
                phone_digits=phone_normalize("+91 99000 11111", region=o2.country),
                email="sanjay@example.com",
                address="2 CMH Road",
            ),
            m.Customer(
                id=12,
                outlet=o2,
                name="Priya Kapoor",
                phone="+91 98765 43210",
                phone_digits=phone_normalize("+91 98765 43210", region=o2.country),
                email="",
                address="",
            ),
        ]
    )

    m.Coupon.objects.bulk_create(
        [
            m.Coupon(
                outlet=o1,
                code="WELCOME10",
                description="10% off for new guests",
                discount_type="percent",
                value=D("10"),
            ),
            m.Coupon(
                outlet=o1,
                code="FLAT50",
                description="50 off on orders of 200 or more",
                discount_type="fixed",
                value=D("50"),
                min_subtotal=D("200"),
            ),
            m.Coupon(
                outlet=o1,
                code="EXPIRED5",
                description="An old 5% promotion",
                discount_type="percent",
                value=D("5"),
                valid_from=now - timedelta(days=60),
                valid_until=now - timedelta(days=30),
            ),
            m.Coupon(
                outlet=o2,
                code="WELCOME10",
                description="10% off for new guests",
                discount_type="percent",
                value=D("10"),
            ),
        ]
    )

    staff_rows = [
        ("manager", "Maya Manager", "manager", o1),
        ("cashier", "Chetan Cashier", "cashier", o1),
        ("waiter", "Wasim Waiter", "waiter", o1),
        ("chef", "Chitra Chef", "kitchen", o1),
        ("bartender", "Bala Bartender", "kitchen", o1),
        ("driver", "Dev Driver", "driver", o1),
        ("driver2", "Dina Driver", "driver", o1),
        ("manager2", "Manoj Manager", "manager", o2),
        ("waiter2", "Waheeda Waiter", "waiter", o2),
    ]
    staff = {}
    for username, name, role, outlet in staff_rows:
        user = m.Staff(
            username=username,
            display_name=name,
            role=role,
            outlet=outlet,
            is_staff=(role == "manager"),
            can_override_price=(role == "manager"),
        )
        user.set_password(password)
        user.save()
        staff[username] = user
    staff["chef"].kitchens.set([1])
    staff["bartender"].kitchens.set([2])

    m.DeliveryDriver.objects.bulk_create(
        [
            m.DeliveryDriver(
                id=1, outlet=o1, staff=staff["driver"], name="Dev Driver", phone="+91 90000 00001"
            ),
            m.DeliveryDriver(
                id=2, outlet=o1, staff=staff["driver2"], name="Dina Driver", phone="+91 90000 00002"
            ),
            m.DeliveryDriver(id=3, outlet=o1, name="Ravi Rider", phone="+91 90000 00003"),
        ]
    )

    for group_id, item_id, name, low, high, options in MODIFIER_GROUPS:
        group = m.ModifierGroup.objects.create(
            id=group_id,
            menu_item_id=item_id,
            name=name,
            min_choices=low,
            max_choices=high,
            sort_order=group_id,
        )
        m.ModifierOption.objects.bulk_create(
            [
                m.ModifierOption(
                    id=option_id, group=group, name=option, price=Decimal(price), sort_order=rank
                )
                for rank, (option_id, option, price) in enumerate(options)
            ]
        )

    _reset_id_sequences()
    return {
        "loaded": True,
        "logins": [(u, role, outlet.code) for (u, _, role, outlet) in staff_rows],
        "password": password,
    }


def _reset_id_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the demo rows."""
    from django.apps import apps

    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_app_config("hub").get_models()
    )
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
