"""hub/services/customers.py: one customer per phone per outlet, however it is typed."""

import pytest

from hub.errors import Conflict, ValidationFailed
from hub.models import Customer, Outlet
from hub.phones import phone_normalize
from hub.services.customers import customer_create
from tests.concurrency import run_concurrently


@pytest.mark.parametrize(
    "raw,region,digits",
    [
        ("+91 98765 43210", "IN", "919876543210"),
        ("098765 43210", "IN", "919876543210"),  # trunk prefix 0
        ("98765-43210", "IN", "919876543210"),
        ("91-9876-543-210", "IN", "919876543210"),  # country code without +
        ("0091 98765 43210", "IN", "919876543210"),  # international prefix 00
        ("080 4000 1234", "IN", "918040001234"),  # landline with its area code
        ("+44 20 7946 0958", "IN", "442079460958"),
        ("020 7946 0958", "GB", "442079460958"),
        ("(202) 555-0100", "US", "12025550100"),
    ],
)
def test_phone_normalize_gives_the_e164_digits(raw, region, digits):
    assert phone_normalize(raw, region=region) == digits


@pytest.mark.parametrize("raw", ["123", "1" * 16, "555 1234", "call me", "+999 1234 5678", ""])
def test_phone_normalize_refuses_what_is_not_a_possible_number(raw):
    # "555 1234" is possible only locally: without its area code it is not one number
    with pytest.raises(ValueError):
        phone_normalize(raw, region="IN")


@pytest.mark.embedded
def test_create_stores_the_e164_digits_and_the_phone_as_typed(demo):
    customer = customer_create(outlet=demo, name=" Rhea ", phone=" 098765 12345 ")
    assert (customer.name, customer.phone, customer.phone_digits) == (
        "Rhea",
        "098765 12345",
        "919876512345",
    )


@pytest.mark.embedded
@pytest.mark.parametrize(
    "phone", ["098765 43210", "+91 98765 43210", "0091 98765 43210", "98765-43210"]
)
def test_create_refuses_priyas_number_however_typed(demo, phone):
    with pytest.raises(Conflict) as info:
        customer_create(outlet=demo, name="Priya again", phone=phone)
    assert info.value.code == "customer_exists" and info.value.extra["existing_id"] == 10
    assert not Customer.objects.filter(name="Priya again").exists()


def test_a_foreign_number_is_one_number_with_plus_or_00(demo):
    rhea = customer_create(outlet=demo, name="Rhea", phone="+44 20 7946 0958")
    assert rhea.phone_digits == "442079460958"
    with pytest.raises(Conflict) as info:
        customer_create(outlet=demo, name="Rhea again", phone="0044 20 7946 0958")
    assert info.value.extra["existing_id"] == rhea.pk
    # without a country code the number is read in the outlet's country: another number
    assert customer_create(outlet=demo, name="Ravi", phone="020 7946 0958").phone_digits == (
        "912079460958"
    )


def test_the_region_is_the_outlets_country(demo):
    london = Outlet.objects.get(pk=2)
    london.country = "GB"
    london.save(update_fields=["country"])
    rhea = customer_create(outlet=london, name="Rhea", phone="020 7946 0958")
    assert rhea.phone_digits == "442079460958"
    with pytest.raises(Conflict):
        customer_create(outlet=london, name="Rhea again", phone="+44 20 7946 0958")


@pytest.mark.parametrize("phone", ["555 1234", "12345", "+999 1234 5678"])
def test_create_refuses_numbers_that_are_not_possible(demo, phone):
    with pytest.raises(ValidationFailed) as info:
        customer_create(outlet=demo, name="Ok", phone=phone)
    assert list(info.value.fields) == ["phone"]


def test_phone_is_per_outlet(demo):
    other = Outlet.objects.get(pk=2)
    created = customer_create(outlet=other, name="Aarav at 002", phone="+91 98450 00001")
    assert created.outlet_id == 2


@pytest.mark.parametrize(
    "name,phone", [("", ""), ("x" * 121, ""), ("Ok", "123"), ("Ok", "1" * 16), ("Ok", "call me")]
)
def test_service_checks_its_preconditions(demo, name, phone):
    with pytest.raises(ValidationFailed):
        customer_create(outlet=demo, name=name, phone=phone)


@pytest.mark.postgres
def test_two_terminals_adding_the_same_guest_create_one_customer(transactional_demo):
    phones = ["+91 91234 56789", "091234 56789", "919123456789", "0091-91234-56789"]

    def add(index):
        outlet = Outlet.objects.get(pk=1)
        return customer_create(outlet=outlet, name=f"Guest {index}", phone=phones[index])

    results = run_concurrently(add, len(phones))
    created = [r for r in results if isinstance(r, Customer)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1, results
    assert len(refused) == len(phones) - 1
    assert {r.extra["existing_id"] for r in refused} == {created[0].pk}
    assert Customer.objects.filter(outlet_id=1, phone_digits="919123456789").count() == 1
