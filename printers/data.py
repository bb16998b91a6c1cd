"""The plain data the tickets are rendered from (docs/printing.md "Rendering").

Defined in hub/tickets.py: the hub builds these values when it queues a job and keeps
them as the job's snapshot; printers/render.py lays them out. Named here too, for the
renderer's callers.
"""

from hub.tickets import (
    BillItem,
    BillTicket,
    CustomerInfo,
    KotTicket,
    KotTicketLine,
    OutletInfo,
    PaymentLine,
    ShiftPaymentLine,
    ShiftReportTicket,
    TaxLine,
    TestPageTicket,
    TicketOption,
)

__all__ = [
    "BillItem",
    "BillTicket",
    "CustomerInfo",
    "KotTicket",
    "KotTicketLine",
    "OutletInfo",
    "PaymentLine",
    "ShiftPaymentLine",
    "ShiftReportTicket",
    "TaxLine",
    "TestPageTicket",
    "TicketOption",
]
