"""The domain model of the hub, one module per area (docs/architecture.md)."""

from .customers import Customer
from .delivery import DeliveryDriver, DeliveryPlatform
from .events import Event, StreamCursor
from .floor import Table
from .integrations import (
    PlatformAccount,
    PlatformCode,
    PlatformOrder,
    WebhookCursor,
    WebhookDelivery,
    WebhookSubscription,
)
from .invoices import GstDaySummary, InvoiceTaxLine
from .kitchen import KitchenScreen, Kot, KotLine
from .menu import (
    Kitchen,
    MenuCategory,
    MenuItem,
    ModifierGroup,
    ModifierOption,
    TaxCategory,
    TaxComponent,
)
from .operations import WorkerHeartbeat
from .orders import Check, Order, OrderItem, OrderType
from .outlet import Outlet, Sequence
from .payments import Payment, PaymentMethod, Refund
from .printing import Printer, PrintJob
from .promotions import Coupon
from .session import HeldOrder, PosSession
from .shifts import AuditEntry, CashMovement, SalesDaySummary, Shift
from .staff import ApiToken, FailedLogin, IdempotencyRecord, Staff

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CashMovement",
    "Check",
    "Coupon",
    "Customer",
    "DeliveryDriver",
    "DeliveryPlatform",
    "Event",
    "FailedLogin",
    "HeldOrder",
    "IdempotencyRecord",
    "GstDaySummary",
    "InvoiceTaxLine",
    "Kitchen",
    "KitchenScreen",
    "Kot",
    "KotLine",
    "MenuCategory",
    "MenuItem",
    "ModifierGroup",
    "ModifierOption",
    "Order",
    "OrderItem",
    "OrderType",
    "Outlet",
    "Payment",
    "PlatformAccount",
    "PlatformCode",
    "PlatformOrder",
    "PaymentMethod",
    "PosSession",
    "Printer",
    "PrintJob",
    "Refund",
    "Sequence",
    "SalesDaySummary",
    "Shift",
    "Staff",
    "StreamCursor",
    "Table",
    "TaxCategory",
    "TaxComponent",
    "WebhookCursor",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkerHeartbeat",
]
