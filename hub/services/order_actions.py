"""What a caller may do next with an order: the order representation's `allowed_actions`
(docs/api.md "What the caller may do next", docs/screens.md "Server-decided actions").

An action is offered iff the service that does it would accept it now from this caller:
each one asks the refusal function that very service raises from (kot_send_refusal,
order_items_refusal, allowed_statuses with order_unsent_refusal, payment_refusal with
payment_due_refusal, order_cancel_refusal, bill_print_refusal, order_split_refusal,
order_unsplit_refusal, platform_accept_refusal, platform_cancel_refusal), so the screens and the services can never disagree. Nothing
here decides anything of its own.

Above every order service in the import tree (it imports kitchen, orders, payments,
platforms and printing; none of them imports it).
"""

from __future__ import annotations

from hub.models import Kot, Order, OrderItem, Printer, Staff
from hub.roles import role_may
from hub.services.checks import order_split_refusal, order_unsplit_refusal
from hub.services.kitchen import (
    course_to_fire,
    kot_send_refusal,
    order_fire_refusal,
    order_serve_refusal,
)
from hub.services.orders import (
    allowed_statuses,
    order_cancel_refusal,
    order_items_refusal,
    order_unsent_refusal,
)
from hub.services.payments import payment_due_refusal, payment_refusal
from hub.services.platforms import platform_accept_action_refusal, platform_reject_refusal
from hub.services.printing import bill_print_refusal, receipt_printer

# Every action `allowed_actions` may list, in the order it lists them.
ORDER_ACTIONS = (
    "send_kot",
    "update_items",
    "bill",
    "pay",
    "cancel",
    "print_bill",
    "split",
    "unsplit",
    "fire",
    "serve",
    "accept",
    "reject",
)
# The permission each action needs at all (the role half, for GET /me's `order_actions`).
ACTION_PERMISSIONS = {
    "send_kot": "kot.send",
    "update_items": "order.update",
    "bill": "order.set_status",
    "pay": "payment.create",
    "cancel": "order.cancel",
    "print_bill": "bill.print",
    "fire": "order.fire",
    "serve": "order.serve",
    "split": "order.split",
    "unsplit": "order.split",
    "accept": "platform_order.accept",
    "reject": "platform_order.accept",
}


def _has_pending(order: Order) -> bool:
    # the representation prefetches the items; iterate them rather than query per order
    return any(item.status == OrderItem.Status.PENDING for item in order.items.all())


def order_allowed_actions(
    *, order: Order, by: Staff, printers: dict[int, Printer | None] | None = None
) -> list[str]:
    """The actions of ORDER_ACTIONS that `by` may do on `order` now.

    - `send_kot`: POST /orders/{id}/kot (a paid order with unsent items too);
    - `update_items`: PUT /orders/{id} with `items`;
    - `bill`: PUT /orders/{id}/status `billed`;
    - `pay`: POST /orders/{id}/payment (something is due);
    - `cancel`: POST /orders/{id}/cancel;
    - `print_bill`: POST /orders/{id}/print-bill;
    - `split`: POST /orders/{id}/split (CONTRACT 12; a split order may be re-split);
    - `unsplit`: DELETE /orders/{id}/split, on a split order (on one bill it changes
      nothing, so it is not offered).
    - `fire`: POST /orders/{id}/fire with the representation's `course_to_fire`;
    - `serve`: POST /orders/{id}/serve (a KOT is food_ready);
    - `accept`: POST /orders/{id}/accept, a platform order waiting to be accepted;
    - `reject`: POST /orders/{id}/reject, a platform order waiting or accepted (also a
      paid one, for a manager: its prepayment is refunded; platform_cancel_refusal).

    `printers`: a dict shared by the orders of one answer, so the outlet's receipt
    printer is looked up once (read the items prefetched, as hub.selectors.orders does).
    """
    if printers is None:
        printers = {}
    if order.outlet_id not in printers:
        printers[order.outlet_id] = receipt_printer(order.outlet_id)
    pending = _has_pending(order)
    to_fire = course_to_fire(order=order, items=order.items.all())
    any_ready = any(
        kot.kind in (Kot.Kind.NEW, Kot.Kind.ADDON) and kot.status == Kot.Status.FOOD_READY
        for kot in order.kots.all()
    )
    refusals = {
        "send_kot": kot_send_refusal(order=order, pending=pending, by=by),
        "update_items": order_items_refusal(order=order, by=by),
        "bill": order_unsent_refusal(pending=pending)
        if Order.Status.BILLED in allowed_statuses(order, by)
        else "not allowed",
        "pay": payment_refusal(order=order, by=by)
        or payment_due_refusal(balance=order.total - order.paid_total),
        "cancel": order_cancel_refusal(order=order, by=by),
        "print_bill": bill_print_refusal(order=order, by=by, printer=printers[order.outlet_id]),
        "split": order_split_refusal(order=order, by=by),
        "unsplit": order_unsplit_refusal(order=order, by=by)
        if any(True for _ in order.checks.all())
        else "not split",
        "fire": order_fire_refusal(order=order, course=to_fire, has_lines=True, by=by)
        if to_fire is not None
        else "nothing to fire",
        "serve": order_serve_refusal(order=order, any_ready=any_ready, by=by),
        "accept": platform_accept_action_refusal(order=order, by=by),
        "reject": platform_reject_refusal(order=order, by=by),
    }
    return [action for action in ORDER_ACTIONS if refusals[action] is None]


def order_allowed_statuses(*, order: Order, by: Staff) -> list[str]:
    """The statuses `PUT /orders/{id}/status` accepts now from `by`: the lifecycle's
    (orders.allowed_statuses, which a refused move's 409 lists) less `billed` while a line
    is unsent (order_unsent_refusal: that move answers 409 `items_not_sent`)."""
    pending = _has_pending(order)
    return [
        status
        for status in allowed_statuses(order, by)
        if status != Order.Status.BILLED or order_unsent_refusal(pending=pending) is None
    ]


def order_role_actions(*, by: Staff) -> list[str]:
    """The actions of ORDER_ACTIONS that `by`'s role may do on some order (GET /me's
    `order_actions`): a screen that draws an action from an event alone (the expo's
    serve) intersects what the event says of the order with this."""
    return [a for a in ORDER_ACTIONS if role_may(by.role, ACTION_PERMISSIONS[a])]
