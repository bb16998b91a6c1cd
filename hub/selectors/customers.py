"""Read queries for customers: search, details (docs/api.md "Customers").

Search looks at the name (case-insensitive contains), the email, and, when the
query looks like a phone number, the phone's digits: "98765" and
"+91 98765-43210" both find +91 98765 43210. Ranking, best first: an exact
phone or email match, then names, emails or phones that start with the query,
then anything that merely contains it; ties by name, then id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from hub.errors import NotFound
from hub.models import Customer, DeliveryDriver, Order, Outlet, Staff

# Digits, spaces and the punctuation people type into phone numbers, nothing else.
_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
LAST_ORDERS = 5


def phone_digits(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isascii() and ch.isdigit())


def query_phone_digits(query: str) -> str:
    """The digits of a query that looks like a phone number, else ""."""
    return phone_digits(query) if _PHONE_LIKE.match(query) else ""


def customers_search(*, outlet: Outlet, query: str = "") -> QuerySet[Customer]:
    query = query.strip()
    customers = Customer.objects.filter(outlet=outlet)
    if not query:
        return customers.order_by("name", "id")
    digits = query_phone_digits(query)
    matches = Q(name__icontains=query) | Q(email__icontains=query)
    exact = Q(email__iexact=query)
    prefix = Q(name__istartswith=query) | Q(email__istartswith=query)
    if digits:
        matches |= Q(phone_digits__contains=digits)
        # A national number typed without the country code is still the exact phone.
        exact |= Q(phone_digits=digits)
        if len(digits) >= 10:
            exact |= Q(phone_digits__endswith=digits)
        prefix |= Q(phone_digits__startswith=digits)
    rank = Case(
        When(exact, then=Value(0)),
        When(prefix, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return customers.filter(matches).annotate(rank=rank).order_by("rank", "name", "id")


@dataclass(frozen=True)
class CustomerDetail:
    customer: Customer
    visits: int
    total_spent: Decimal
    last_orders: list[Order]


def customer_detail(
    *, outlet: Outlet, customer_id: int, staff: Staff | None = None
) -> CustomerDetail:
    """Details with visits (paid orders), total_spent (their totals) and the last orders.

    Three queries whatever the history. A driver sees only customers of
    deliveries assigned to them and still under way; anyone else is NotFound.
    """
    paid = Q(orders__status=Order.Status.PAID)
    customers = Customer.objects.filter(outlet=outlet, pk=customer_id)
    if staff is not None and staff.role == Staff.Role.DRIVER:
        driver = DeliveryDriver.objects.filter(staff=staff, outlet=outlet).first()
        if driver is None:
            raise NotFound("No such customer.")
        customers = customers.filter(
            pk__in=Order.objects.filter(
                outlet=outlet,
                driver=driver,
            )
            .exclude(status=Order.Status.CANCELLED)
            .exclude(
                delivery_status__in=[Order.DeliveryStatus.DELIVERED, Order.DeliveryStatus.FAILED]
            )
            .values("customer_id")
        )
    customer = customers.annotate(
        visits=Count("orders", filter=paid), spent=Sum("orders__total", filter=paid)
    ).first()
    if customer is None:
        raise NotFound("No such customer.")
    last_orders = list(
        Order.objects.filter(outlet=outlet, customer=customer).order_by("-created_at", "-id")[
            :LAST_ORDERS
        ]
    )
    return CustomerDetail(
        customer=customer,
        visits=customer.visits,
        total_spent=customer.spent or Decimal("0.00"),
        last_orders=last_orders,
    )
