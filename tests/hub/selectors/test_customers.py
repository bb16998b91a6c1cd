"""Customer search: name, phone digits in any format, email; ranked (hub/selectors/customers.py)."""

import pytest

from hub.models import Customer
from hub.selectors.customers import customers_search


def _ids(outlet, query):
    return [c.pk for c in customers_search(outlet=outlet, query=query)]


@pytest.mark.embedded
@pytest.mark.parametrize(
    "query",
    [
        "98765",
        "+91 98765-43210",
        "9876543210",
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
    # 00001 is the tail of Aarav's phone (exact-ish only with 10+ digits, so contains here)
    Customer.objects.create(
        outlet=demo, name="Zed Prefix", phone="98450 00001 9", phone_digits="98450000019"
    )
    Customer.objects.create(
        outlet=demo, name="Amy Exact", phone="9845000001", phone_digits="9845000001"
    )
    ranked = _ids(demo, "9845000001")
    # "Aarav" (+91 98450 00001) ends with the national number: exact, like "Amy Exact";
    # "Zed" merely starts with it: prefix.
    aarav = 1
    amy = Customer.objects.get(name="Amy Exact").pk
    zed = Customer.objects.get(name="Zed Prefix").pk
    assert ranked[:2] == [aarav, amy]  # exact matches, then by name
    assert ranked.index(zed) == 2


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
