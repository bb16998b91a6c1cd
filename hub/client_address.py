"""The client address of a request, through trusted proxies only
(docs/operations.md "Behind a load balancer: HUB_TRUSTED_PROXIES").

Behind a load balancer every tablet reaches the hub from the balancer's address, so
the login throttle, keyed on that address, would lock every staff member out after one
tablet's typos. The balancer names the real peer in X-Forwarded-For; this module reads
that header, but only when the direct peer is one of HUB_TRUSTED_PROXIES, and reads it
right to left: each trusted proxy appends the address it saw, so the first address from
the right that is not a trusted proxy is the client. Whatever lies left of it was written
by the client itself and is never believed, so a tablet can neither dodge the throttle
nor get another address throttled by sending its own X-Forwarded-For.

`client_address_of_request` is the one reader, for the API login and the admin login
(the throttle's key); it ends in `client_address`. Plain hub module: pos_api may import
it, it imports no outer layer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings

UNKNOWN = "unknown"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR networks ("10.0.0.5", "10.0.0.0/24", "fd00::/8"); a bare address
    is a network of one. Raises ValueError naming a bad entry (settings fail at start)."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"HUB_TRUSTED_PROXIES: {entry!r} is not an address or network"
            ) from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(entries)


def _trusted_networks() -> tuple[IPNetwork, ...]:
    # Read at call time (not import time) so override_settings in tests applies; cached
    # per value so a request parses nothing.
    return _networks(tuple(getattr(settings, "HUB_TRUSTED_PROXIES", ()) or ()))


def _parse_ip(value: str | None) -> IPAddress | None:
    """An address from a peer or one X-Forwarded-For entry, or None if it is not one.
    Accepts the port forms some balancers write ("1.2.3.4:5678", "[2001:db8::1]:443")."""
    if not value:
        return None
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d; it is one client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(peer: str | None, forwarded_for: Iterable[str] = ()) -> str:
    """The client's address, given the socket peer and the X-Forwarded-For header values
    (in the order received; several headers count as one list).

    An untrusted peer is the client, whatever it sent. From a trusted peer, the header
    is walked right to left past trusted proxies; the first other address is the client.
    If every hop is trusted (a proxy's own health check) the leftmost one is; an entry
    that is not an address stops the walk at the last good hop, since only the client
    side of the chain could have written it."""
    peer_ip = _parse_ip(peer)
    if peer_ip is None:
        return (peer or UNKNOWN)[:64]
    networks = _trusted_networks()
    if not networks or not _is_trusted(peer_ip, networks):
        return str(peer_ip)
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer_ip
    for hop in reversed(hops):
        hop_ip = _parse_ip(hop)
        if hop_ip is None:
            break
        client = hop_ip
        if not _is_trusted(hop_ip, networks):
            break
    return str(client)


def client_address_of_request(request) -> str:
    """The client address of a Django (or DRF) request: REMOTE_ADDR and X-Forwarded-For
    (Django joins repeated headers with commas)."""
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    return client_address(meta.get("REMOTE_ADDR"), [forwarded] if forwarded else [])
