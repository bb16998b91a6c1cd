"""Customer search: name, phone digits in any format, email; ranked (hub/selectors/customers.py)."""

import pytest

from hub.models import Customer
from hub.selectors.customers import customers_search
from hub.services.customers import customer_create


def _ids(outlet, query):
    return [c.pk for c in customers_search(outlet=outlet, query=query)]


@pytest.mark.embedded
@pytest.mark.parametrize(
    "query",
    [
        "98765",
        "+91 98765-43210",
        "9876543210",
        "098765 43210",  # the trunk prefix 0, as Indian guests often say it
        "0091 98765 43210",
        "098765",
        "+91 98765",
        "43210",
        "(987) 654",
        "priya",
        "KAPOOR",
        "priya.kapoor@",
        "Priya Kap",
    ],
)
def test_priya_is_found_however_she_is_typed(demo, query):
    assert _ids(demo, query)[0] == 10


def test_phone_digits_are_not_matched_inside_words(demo):
    # "a1" is not a phone; it must not match every phone containing a 1
    assert _ids(demo, "a1") == []


def test_exact_phone_ranks_before_prefix_and_contains(demo):
    # Aarav is +91 98450 00001; Zed's (possible, longer) number starts with it
    zed = customer_create(outlet=demo, name="Zed Longer", phone="98450 00001 9")
    ranked = _ids(demo, "098450 00001")
    aarav = 1
    assert ranked == [aarav, zed.pk]


def test_a_fragment_ranks_numbers_starting_with_it_first(demo):
    # every demo number +91 98450 0000n contains 845000; Zara's national number starts with it
    zara = customer_create(outlet=demo, name="Zara Early", phone="084500 01234")
    ranked = _ids(demo, "0845000")
    assert ranked[0] == zara.pk
    assert set(ranked[1:]) == set(range(1, 10))  # Aarav .. Rohan merely contain it
    names = [c.name for c in customers_search(outlet=demo, query="0845000")][1:]
    assert names == sorted(names)


def test_exact_email_first_then_name_prefix_then_contains(demo):
    Customer.objects.create(outlet=demo, name="Kabir's Friend", email="friend@example.com")
    Customer.objects.create(outlet=demo, name="Mr Kabir", email="mk@example.com")
    kabir = 7
    assert _ids(demo, "kabir@example.com")[0] == kabir
    ranked = _ids(demo, "kabir")
    friend = Customer.objects.get(name="Kabir's Friend").pk
    mr = Customer.objects.get(name="Mr Kabir").pk
    # prefix (by name): "Kabir Singh" > "Kabir's Friend"; then contains: "Mr Kabir"
    assert ranked == [friend, kabir, mr] or ranked == [kabir, friend, mr]
    assert ranked[-1] == mr


def test_search_stays_in_the_outlet(demo):
    from hub.models import Outlet

    other = Outlet.objects.get(pk=2)
    assert _ids(other, "98765") == [12]
    assert _ids(demo, "Sanjay") == []


def test_no_query_lists_everyone_by_name(demo):
    names = [c.name for c in customers_search(outlet=demo, query="  ")]
    assert names == sorted(names) and len(names) == 10
