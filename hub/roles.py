"""Who may do what (CONTRACT section 8). The one table every REST view and WebSocket checks.

Each API view names one permission; HubPermission (pos_api/permissions.py) looks
it up here. A permission missing from this table is granted to nobody.
"""

from __future__ import annotations

MANAGER, CASHIER, WAITER, KITCHEN, DRIVER = "manager", "cashier", "waiter", "kitchen", "driver"
ALL_ROLES = frozenset({MANAGER, CASHIER, WAITER, KITCHEN, DRIVER})
FRONT_OF_HOUSE = frozenset({MANAGER, CASHIER, WAITER})

PERMISSIONS: dict[str, frozenset[str]] = {
    # reference data every signed-in role may read
    "catalog.read": ALL_ROLES,
    "menu.read": ALL_ROLES,
    # "86" an item: the kitchen that runs out, or the manager/cashier at the till
    "menu.set_availability": frozenset({MANAGER, CASHIER, KITCHEN}),
    "kitchen.read": ALL_ROLES,
    "payment_method.read": ALL_ROLES,
    # floor
    "table.read": FRONT_OF_HOUSE,
    "table.set_status": FRONT_OF_HOUSE,
    # customers
    "customer.read": FRONT_OF_HOUSE | {DRIVER},  # a driver: only customers of their deliveries
    "customer.search": FRONT_OF_HOUSE,  # listing and searching the outlet's guests
    "customer.create": FRONT_OF_HOUSE,
    # orders
    "order.read": FRONT_OF_HOUSE | {DRIVER, KITCHEN},
    "order.create": FRONT_OF_HOUSE,
    "order.update": FRONT_OF_HOUSE,
    "order.set_status": FRONT_OF_HOUSE,
    "order.cancel": FRONT_OF_HOUSE,
    "order.cancel_billed": frozenset({MANAGER}),
    "order.discount": frozenset({MANAGER, CASHIER, WAITER}),
    "order.transfer": FRONT_OF_HOUSE,
    "order.split": FRONT_OF_HOUSE,  # CONTRACT 13: splitting a bill is for managers, cashiers, waiters
    "price.override": frozenset({MANAGER}),
    # kitchen
    "kot.send": FRONT_OF_HOUSE,
    "kot.read": FRONT_OF_HOUSE | {KITCHEN},  # a kitchen user: only its kitchens' KOTs
    # a waiter only marks cooked food served (hub.services.kitchen.kot_set_status)
    "kot.set_status": frozenset({MANAGER, KITCHEN, WAITER}),
    "kot.print": FRONT_OF_HOUSE,
    # CONTRACT 13: courses are fired and plates served from the pass by the floor
    "order.fire": FRONT_OF_HOUSE,
    "order.serve": FRONT_OF_HOUSE,
    # the pass: every kitchen's open tickets (GET /expo, /ws/v1/expo/)
    "expo.read": FRONT_OF_HOUSE | {KITCHEN},
    # payments
    "payment.create": frozenset({MANAGER, CASHIER}),
    "payment.read": FRONT_OF_HOUSE,
    "payment.refund": frozenset({MANAGER}),
    "bill.print": frozenset({MANAGER, CASHIER, WAITER}),
    "invoice.print": frozenset({MANAGER, CASHIER}),
    # promotions
    "coupon.read": FRONT_OF_HOUSE,
    # delivery
    "driver.read": FRONT_OF_HOUSE,
    "driver.assign": FRONT_OF_HOUSE,
    "delivery.set_status": frozenset({MANAGER, CASHIER, DRIVER}),
    # the signed-in staff's own deliveries (their DeliveryDriver profile; 404 without one)
    "delivery.mine": FRONT_OF_HOUSE | {DRIVER},
    "platform.read": FRONT_OF_HOUSE,
    # CONTRACT 16: accepting or rejecting an order a delivery platform sent in
    "platform_order.accept": frozenset({MANAGER, CASHIER}),
    "webhook.manage": frozenset({MANAGER}),
    # printing
    "printer.read": frozenset({MANAGER, CASHIER, WAITER}),
    # shifts and the cash drawer (CONTRACT 14): the till's people
    "shift.open": frozenset({MANAGER, CASHIER}),
    "shift.read": frozenset({MANAGER, CASHIER}),
    "shift.cash_movement": frozenset({MANAGER, CASHIER}),
    "shift.close": frozenset({MANAGER, CASHIER}),
    "shift.print": frozenset({MANAGER, CASHIER}),
    # reports and the audit register (CONTRACT 15)
    "report.read": frozenset({MANAGER}),
    "audit.read": frozenset({MANAGER}),
    # the POS session
    "session.use": FRONT_OF_HOUSE,
    # live streams (CONTRACT 6): which roles may open which kind of stream at all;
    # the per-object rules (own kitchens, own driver) are in hub/services/streams.py
    "stream.kitchen": FRONT_OF_HOUSE | {KITCHEN},
    "stream.table": FRONT_OF_HOUSE,
    "stream.floor": FRONT_OF_HOUSE,
    "stream.orders": FRONT_OF_HOUSE,
    "stream.driver": FRONT_OF_HOUSE | {DRIVER},
    "stream.printer": frozenset({MANAGER, CASHIER}),
    "stream.expo": FRONT_OF_HOUSE | {KITCHEN},
}


def role_may(role: str | None, permission: str) -> bool:
    return role in PERMISSIONS.get(permission, frozenset())
