"""Creating customers (docs/api.md "Customers").

A customer belongs to one outlet; within it a phone number identifies one
person. Phones are kept as typed (`phone`) and as the E.164 number's digits
(`phone_digits`, "919876543210"), which phonenumbers computes reading the number
in the outlet's region (`Outlet.country`): "098765 43210", "98765-43210",
"0091 98765 43210" and "+91 98765 43210" are one number at an Indian outlet.
Matching compares those digits exactly, so the database's unique constraint
covers every spelling of a number.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hub.errors import Conflict, CustomerCode, ValidationFailed
from hub.models import Customer, Outlet, Staff
from hub.phones import phone_normalize

NOT_A_NUMBER = "Not a phone number (add the country code, e.g. +91, for a foreign number)."


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

    Preconditions (the input serializer checks the characters; the service is the
    last line): name 1..120 characters after trimming; phone, if given, a possible
    number in the outlet's region (ValidationFailed on `phone` otherwise). A number
    already used at this outlet, however typed, answers 409 `customer_exists` with
    `existing_id`; another outlet's customers never count. Locks the outlet row so
    two terminals adding the same guest at once create one customer and both get
    an answer from the check below rather than from the constraint.
    """
    name = name.strip()
    phone = phone.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed(fields={"name": ["Must be 1 to 120 characters."]})
    digits = ""
    if phone:
        try:
            digits = phone_normalize(phone, region=outlet.country)
        except ValueError:
            raise ValidationFailed(fields={"phone": [NOT_A_NUMBER]}) from None
    # NO KEY: a plain FOR UPDATE on the outlet would stall every order, KOT and payment
    # being written at the outlet (their inserts take FOR KEY SHARE on it).
    Outlet.objects.select_for_update(no_key=True).filter(pk=outlet.pk).first()
    if digits:
        existing = Customer.objects.filter(outlet=outlet, phone_digits=digits).first()
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
        existing = digits and Customer.objects.filter(outlet=outlet, phone_digits=digits).first()
        if not existing:
            raise
        raise _exists(existing) from None


def _exists(existing: Customer) -> Conflict:
    return Conflict(
        "A customer with this phone number already exists at this outlet.",
        code=CustomerCode.CUSTOMER_EXISTS,
        existing_id=existing.pk,
    )
