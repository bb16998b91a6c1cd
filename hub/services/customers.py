"""Creating customers (docs/api.md "Customers").

A customer belongs to one outlet; within it a phone number identifies one
person. Phones are kept as typed (`phone`) and as digits (`phone_digits`) for
matching. Two phones are the same number when their digits are equal, or when
one is the other with a country code in front (the shorter has at least 10
digits): "98765 43210" is Priya's "+91 98765 43210". The database's unique
constraint covers equal digits; the outlet row lock below covers the rest.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hub.errors import Conflict, ValidationFailed
from hub.models import Customer, Outlet, Staff
from hub.selectors.customers import phone_digits

MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15  # E.164 allows at most 15
NATIONAL_DIGITS = 10


def same_phone(a: str, b: str) -> bool:
    """Digits of two phones: equal, or one is the other behind a country code."""
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= NATIONAL_DIGITS and longer.endswith(shorter)


def customer_find_by_phone(*, outlet: Outlet, digits: str) -> Customer | None:
    candidates = Customer.objects.filter(outlet=outlet).exclude(phone_digits="")
    if len(digits) >= NATIONAL_DIGITS:
        candidates = candidates.filter(phone_digits__endswith=digits[-NATIONAL_DIGITS:])
    else:
        candidates = candidates.filter(phone_digits=digits)
    return next((c for c in candidates.order_by("id") if same_phone(c.phone_digits, digits)), None)


@transaction.atomic
def customer_create(
    *,
    outlet: Outlet,
    name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    by: Staff | None = None,
) -> Customer:
    """Create a customer of `outlet`.

    Preconditions (the input serializer checks them; repeated here because the
    service is the last line): name 1..120 characters after trimming; phone, if
    given, 7..15 digits. A phone already used at this outlet answers 409
    `customer_exists` with `existing_id`; another outlet's customers never
    count. Locks the outlet row so two terminals adding the same guest at
    once create one customer.
    """
    name = name.strip()
    phone = phone.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed(fields={"name": ["Must be 1 to 120 characters."]})
    digits = phone_digits(phone)
    if phone and not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise ValidationFailed(
            fields={"phone": [f"Must have {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits."]}
        )
    Outlet.objects.select_for_update().filter(pk=outlet.pk).first()
    if digits:
        existing = customer_find_by_phone(outlet=outlet, digits=digits)
        if existing is not None:
            raise _exists(existing)
    try:
        with transaction.atomic():
            return Customer.objects.create(
                outlet=outlet,
                name=name,
                phone=phone,
                phone_digits=digits,
                email=email.strip(),
                address=address.strip(),
            )
    except IntegrityError:
        # The unique constraint caught a writer that did not take the lock (e.g. the admin).
        existing = customer_find_by_phone(outlet=outlet, digits=digits)
        if existing is None:
            raise
        raise _exists(existing) from None


def _exists(existing: Customer) -> Conflict:
    return Conflict(
        "A customer with this phone number already exists at this outlet.",
        code="customer_exists",
        existing_id=existing.pk,
    )
