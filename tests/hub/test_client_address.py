"""The client address through trusted proxies only (hub/client_address.py,
docs/operations.md "Behind a load balancer")."""

import pytest
from django.test import RequestFactory

from hub.client_address import (
    client_address,
    client_address_of_request,
    parse_trusted_proxies,
)

LB = "10.0.0.2"


@pytest.fixture
def behind_lb(settings):
    settings.HUB_TRUSTED_PROXIES = ["10.0.0.0/29", "fd00::1"]


@pytest.mark.embedded
def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_sends(settings):
    settings.HUB_TRUSTED_PROXIES = []
    assert client_address("192.0.2.7", ["203.0.113.9"]) == "192.0.2.7"


@pytest.mark.embedded
def test_behind_a_trusted_balancer_the_forwarded_address_is_the_client(behind_lb):
    assert client_address(LB, ["192.168.1.21"]) == "192.168.1.21"
    assert client_address("fd00::1", ["2001:db8::5"]) == "2001:db8::5"


@pytest.mark.embedded
def test_an_untrusted_peer_cannot_choose_its_address(behind_lb):
    # a tablet talking to the hub directly, claiming to be the manager's till
    assert client_address("192.168.1.50", ["192.168.1.21"]) == "192.168.1.50"


@pytest.mark.embedded
def test_header_is_read_right_to_left_past_trusted_hops_only(behind_lb):
    # the client prepended a fake entry; the balancer appended the real peer
    assert client_address(LB, ["1.2.3.4, 192.168.1.50"]) == "192.168.1.50"
    # two balancers in a row, then the client
    assert client_address(LB, ["192.168.1.50, 10.0.0.3"]) == "192.168.1.50"
    # repeated headers count as one list, in order
    assert client_address(LB, ["1.2.3.4", "192.168.1.50"]) == "192.168.1.50"


@pytest.mark.embedded
def test_all_trusted_or_garbage_stops_at_the_last_good_hop(behind_lb):
    assert client_address(LB, ["10.0.0.3"]) == "10.0.0.3"
    assert client_address(LB, ["not-an-ip, 10.0.0.3"]) == "10.0.0.3"
    assert client_address(LB, []) == LB


@pytest.mark.embedded
def test_ports_and_mapped_ipv4_are_one_client(behind_lb):
    assert client_address(LB, ["192.168.1.50:51234"]) == "192.168.1.50"
    assert client_address(LB, ["[2001:db8::5]:443"]) == "2001:db8::5"
    assert client_address("::ffff:10.0.0.2", ["192.168.1.50"]) == "192.168.1.50"


@pytest.mark.embedded
def test_a_request_reads_remote_addr_and_x_forwarded_for(behind_lb):
    request = RequestFactory().get(
        "/", REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR="9.9.9.9, 192.168.1.50"
    )
    assert client_address_of_request(request) == "192.168.1.50"


@pytest.mark.embedded
def test_bad_trusted_proxy_entry_is_refused():
    assert [str(n) for n in parse_trusted_proxies(["10.0.0.1", " 10.1.0.0/16 "])] == [
        "10.0.0.1/32",
        "10.1.0.0/16",
    ]
    with pytest.raises(ValueError, match="HUB_TRUSTED_PROXIES"):
        parse_trusted_proxies(["10.0.0.x"])
