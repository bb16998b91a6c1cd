"""Read queries for customers: search, details (docs/api.md "Customers").

Search looks at the name (case-insensitive contains), the email, and, when the
query looks like a phone number, the phone: customers keep their number's E.164
digits (hub/services/customers.py), and the query is read by phonenumbers in the
outlet's region, so "98765", "098765 43210", "+91 98765-43210" and
"0091 98765 43210" all find +91 98765 43210. Ranking, best first: an exact phone
or email match, then names, emails or phones that start with the query, then
anything that merely contains it; ties by name, then id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from hub.errors import NotFound
from hub.models import Customer, DeliveryDriver, Order, Outlet, Staff
from hub.phones import phone_digits, phone_normalize

# Digits, spaces and the punctuation people type into phone numbers, nothing else.
_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
# A country code the caller typed, as opposed to the outlet's one assumed by phonenumbers.
_TYPED_COUNTRY = {
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD,
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN,
}
LAST_ORDERS = 5


@dataclass(frozen=True)
class PhoneQuery:
    """What a phone-like query matches in `phone_digits` (E.164 digits)."""

    exact: str  # the whole number's digits, "" when the query is only a fragment
    contains: str  # digits the number must contain
    prefix: str  # digits a number starting like the query starts with


def phone_query(query: str, *, region: str) -> PhoneQuery | None:
    """How a query that looks like (part of) a phone number matches, else None.

    A whole number is read by phonenumbers. A fragment is too short for it, so its
    international prefix ("00") or trunk prefix ("0") is dropped here the way
    phonenumbers drops them from whole numbers, and it then matches anywhere in
    the stored digits ("43210", the last digits, is a usual search).
    """
    if not _PHONE_LIKE.match(query):
        return None
    digits = phone_digits(query)
    if not digits:
        return None
    region = (region or "").upper()
    country = str(phonenumbers.country_code_for_region(region) or "")
    try:
        exact = phone_normalize(query, region=region)
    except ValueError:
        exact = ""
    if exact:
        number = phonenumbers.parse(query, region or None, keep_raw_input=True)
        national = phonenumbers.national_significant_number(number)
        typed_country = number.country_code_source in _TYPED_COUNTRY
        return PhoneQuery(exact=exact, contains=exact if typed_country else national, prefix=exact)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    if query.lstrip().startswith("+") or meta is None:
        return PhoneQuery(exact="", contains=digits, prefix=digits)
    idd = (
        re.match(f"(?:{meta.international_prefix})", digits) if meta.international_prefix else None
    )
    if idd and idd.end() < len(digits):
        rest = digits[idd.end() :]  # "0091 98765": a country code follows
        return PhoneQuery(exact="", contains=rest, prefix=rest)
    national = digits
    if meta.national_prefix and digits.startswith(meta.national_prefix):
        national = digits[len(meta.national_prefix) :] or digits
    return PhoneQuery(exact="", contains=national, prefix=country + national)


def customers_search(*, outlet: Outlet, query: str = "") -> QuerySet[Customer]:
    query = query.strip()
    customers = Customer.objects.filter(outlet=outlet)
    if not query:
        return customers.order_by("name", "id")
    phone = phone_query(query, region=outlet.country)
    matches = Q(name__icontains=query) | Q(email__icontains=query)
    exact = Q(email__iexact=query)
    prefix = Q(name__istartswith=query) | Q(email__istartswith=query)
    if phone is not None:
        matches |= Q(phone_digits__contains=phone.contains)
        if phone.exact:
            exact |= Q(phone_digits=phone.exact)
        prefix |= Q(phone_digits__startswith=phone.prefix)
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
