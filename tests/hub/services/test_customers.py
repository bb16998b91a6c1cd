"""hub/services/customers.py: one customer per phone per outlet, however it is typed."""

import pytest

from hub.errors import Conflict, ValidationFailed
from hub.models import Customer, Outlet
from hub.services.customers import customer_create, same_phone
from tests.concurrency import run_concurrently


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("919876543210", "919876543210", True),
        ("9876543210", "919876543210", True),  # national number vs with country code
        ("09876543210", "919876543210", False),  # trunk prefix 0 + country code differ at the front
        ("876543210", "919876543210", False),  # 9 digits: too short to call it the same phone
        ("", "", False),
        ("5551234", "5551234", True),
    ],
)
def test_same_phone(a, b, same):
    assert same_phone(a, b) is same
    assert same_phone(b, a) is same


@pytest.mark.embedded
def test_create_normalises_and_refuses_the_same_number_twice(demo):
    customer = customer_create(outlet=demo, name=" Rhea ", phone="+44 20 7946 0958")
    assert (customer.name, customer.phone_digits) == ("Rhea", "442079460958")
    with pytest.raises(Conflict) as info:
        customer_create(outlet=demo, name="Rhea again", phone="2079460958")
    assert info.value.code == "customer_exists" and info.value.extra["existing_id"] == customer.pk


def test_phone_is_per_outlet(demo):
    other = Outlet.objects.get(pk=2)
    created = customer_create(outlet=other, name="Aarav at 002", phone="+91 98450 00001")
    assert created.outlet_id == 2


@pytest.mark.parametrize("name,phone", [("", ""), ("x" * 121, ""), ("Ok", "123"), ("Ok", "1" * 16)])
def test_service_checks_its_preconditions(demo, name, phone):
    with pytest.raises(ValidationFailed):
        customer_create(outlet=demo, name=name, phone=phone)


@pytest.mark.postgres
def test_two_terminals_adding_the_same_guest_create_one_customer(transactional_demo):
    phones = ["+91 91234 56789", "91234 56789", "919123456789", "+91-91234-56789"]

    def add(index):
        outlet = Outlet.objects.get(pk=1)
        return customer_create(outlet=outlet, name=f"Guest {index}", phone=phones[index])

    results = run_concurrently(add, len(phones))
    created = [r for r in results if isinstance(r, Customer)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1, results
    assert len(refused) == len(phones) - 1
    assert {r.extra["existing_id"] for r in refused} == {created[0].pk}
    assert Customer.objects.filter(outlet_id=1, phone_digits__endswith="9123456789").count() == 1
