"""The POS session: a terminal's cart, and carts or draft orders parked to resume later
(CONTRACT 4a "Session"; docs/api.md "POS session").

- A session is per staff user and device (`X-Device-Id`, optional: without it
  the user has one device-less session). Its `cart` is the terminal's own JSON
  (the hub does not interpret it), at most 64 KB serialized.
- Holding parks a cart (or a draft order of the outlet) as a HeldOrder that
  anyone at the outlet may resume, and clears the holder's session cart.
- Resuming copies the parked cart into the resumer's session and marks the held
  order resumed; it leaves the list. The held row is locked, so when two
  terminals resume the same one at once, one wins and the other gets 409
  `already_resumed`.

Session changes record no events: a cart is one terminal's private state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from hub.errors import Conflict, DomainError, NotFound, OrderCode, SessionCode, ValidationFailed
from hub.models import HeldOrder, Order, Outlet, PosSession, Staff
from hub.services.order_core import order_lock

MAX_CART_BYTES = 64 * 1024
MAX_DEVICE_ID = 80
MAX_LABEL = 80


class CartTooLarge(DomainError):
    status = 413
    code = "cart_too_large"
    default_message = f"The cart is larger than {MAX_CART_BYTES // 1024} KB."


@dataclass(frozen=True)
class SessionState:
    cart: dict[str, Any]
    updated_at: datetime | None
    held_count: int


def device_id_clean(raw: str | None) -> str:
    """The `X-Device-Id` header: optional, at most 80 printable characters (400 otherwise)."""
    value = (raw or "").strip()
    if len(value) > MAX_DEVICE_ID:
        raise ValidationFailed(fields={"X-Device-Id": [f"At most {MAX_DEVICE_ID} characters."]})
    if not value.isprintable():
        raise ValidationFailed(fields={"X-Device-Id": ["Only printable characters."]})
    return value


def cart_check(cart: Any, *, field: str = "cart") -> dict[str, Any]:
    """A cart is a JSON object of at most 64 KB (413 `cart_too_large`) that the database
    can store: no NUL character and no lone surrogate in any key or string (400)."""
    if not isinstance(cart, dict):
        raise ValidationFailed(fields={field: ["Must be a JSON object."]})
    try:
        encoded = json.dumps(cart, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        size = len(encoded.encode("utf-8"))
    except (ValueError, TypeError, RecursionError) as exc:
        # lone surrogates (UnicodeEncodeError is a ValueError), NaN, absurd nesting
        raise ValidationFailed(fields={field: ["Must be plain JSON text."]}) from exc
    if size > MAX_CART_BYTES:
        raise CartTooLarge(
            f"The cart is {size} bytes; at most {MAX_CART_BYTES} are kept.",
            max_bytes=MAX_CART_BYTES,
        )
    if _has_nul(cart):
        raise ValidationFailed(fields={field: ["Must not contain NUL characters."]})
    return cart


def _has_nul(value: Any) -> bool:
    """PostgreSQL's jsonb cannot store U+0000; walk without recursion (depth is the client's)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def held_count(*, outlet: Outlet) -> int:
    return HeldOrder.objects.filter(outlet=outlet, resumed_at__isnull=True).count()


def session_get(*, staff: Staff, device_id: str) -> SessionState:
    """The caller's cart on this device (empty, `updated_at` null, if never saved)."""
    session = PosSession.objects.filter(staff=staff, device_id=device_id).first()
    return SessionState(
        cart=session.cart if session else {},
        updated_at=session.updated_at if session else None,
        held_count=held_count(outlet=staff.outlet),
    )


def _store(*, staff: Staff, device_id: str, cart: dict[str, Any]) -> PosSession:
    # update_or_create locks an existing row and handles two first saves racing
    # on the (staff, device_id) unique constraint.
    session, _ = PosSession.objects.update_or_create(
        staff=staff, device_id=device_id, defaults={"cart": cart}
    )
    return session


def _state(session: PosSession, *, outlet: Outlet) -> SessionState:
    return SessionState(
        cart=session.cart, updated_at=session.updated_at, held_count=held_count(outlet=outlet)
    )


@transaction.atomic
def session_save(*, staff: Staff, device_id: str, cart: dict[str, Any]) -> SessionState:
    """Replace the session's cart (`POST /session/save` with `cart`)."""
    cart_check(cart)
    return _state(_store(staff=staff, device_id=device_id, cart=cart), outlet=staff.outlet)


@transaction.atomic
def session_clear(*, staff: Staff, device_id: str) -> SessionState:
    """Empty the session's cart (`DELETE /session/clear`); repeated, it stays empty."""
    return _state(_store(staff=staff, device_id=device_id, cart={}), outlet=staff.outlet)


@transaction.atomic
def session_hold(
    *,
    staff: Staff,
    device_id: str,
    cart: dict[str, Any] | None = None,
    order_id: int | None = None,
    label: str = "",
) -> tuple[HeldOrder, SessionState]:
    """Park a cart or a draft order (`POST /session/save` with `"hold": true`).

    `cart` is the cart to park; without it, the session's current cart. With
    `order_id`, a draft order of the outlet is parked (400 `validation_error`
    for an unknown or another outlet's order; 409 `order_not_draft` once it
    went to a kitchen or closed; 409 `already_held` if it is parked and not
    resumed). With neither a cart nor an order there is nothing to hold (400).
    The label defaults to the order number. The session cart is cleared.
    Locks the order row (two terminals parking it at once: one wins).
    """
    outlet = staff.outlet
    order = None
    if order_id is not None:
        try:
            order = order_lock(order_id=order_id, outlet=outlet)
        except NotFound:
            raise ValidationFailed(fields={"order_id": ["No such order at this outlet."]}) from None
        if order.status != Order.Status.DRAFT:
            raise Conflict(
                f"Order {order.number} is {order.status}; only draft orders are parked.",
                code=OrderCode.ORDER_NOT_DRAFT,
            )
        if HeldOrder.objects.filter(order=order, resumed_at__isnull=True).exists():
            raise Conflict(
                f"Order {order.number} is already parked.", code=SessionCode.ALREADY_HELD
            )
    if cart is None:
        current = PosSession.objects.filter(staff=staff, device_id=device_id).first()
        cart = current.cart if current else {}
    cart_check(cart)
    if not cart and order is None:
        raise ValidationFailed(fields={"cart": ["The cart is empty: nothing to hold."]})
    label = (label or "").strip()[:MAX_LABEL] or (order.number if order else "")
    held = HeldOrder.objects.create(
        outlet=outlet, label=label, cart=cart, order=order, held_by=staff
    )
    session = _store(staff=staff, device_id=device_id, cart={})
    return held, _state(session, outlet=outlet)


@transaction.atomic
def session_resume(*, staff: Staff, device_id: str, held_id: int) -> tuple[HeldOrder, SessionState]:
    """Restore a parked cart into the caller's session (`{"resume_held_id": N}`).

    The held order must be the outlet's (400 `validation_error` on
    `resume_held_id`, also for another outlet's) and not yet resumed (409
    `already_resumed`). Its cart replaces the session's cart; the answer names
    its `order_id`, if it parked an order. Locks the held row, so of two
    terminals resuming it at once exactly one succeeds.
    """
    held = (
        HeldOrder.objects.select_for_update(of=("self",))
        .select_related("held_by", "order")
        .filter(pk=held_id, outlet=staff.outlet)
        .first()
    )
    if held is None:
        raise ValidationFailed(fields={"resume_held_id": ["No such held order at this outlet."]})
    if held.resumed_at is not None:
        raise Conflict("This held order was already resumed.", code=SessionCode.ALREADY_RESUMED)
    held.resumed_at = timezone.now()
    held.save(update_fields=["resumed_at"])
    session = _store(staff=staff, device_id=device_id, cart=held.cart or {})
    return held, _state(session, outlet=staff.outlet)
