"""Printing test helpers: orders and KOTs built through the services, a fake network printer."""

from __future__ import annotations

import socket
import threading
import time
from decimal import Decimal

import pytest

from hub.models import Kot, Order, OrderItem, Outlet, Printer, PrintJob, Staff

D = Decimal
PORTS = range(9201, 9221)  # this engineer's fake printer ports

# (menu item id, quantity, note): Paneer Tikka goes to the Main Kitchen (1), Masala Chai
# to the Bar (2); both GST 5% (CGST + SGST 2.5%) in the demo.
PANEER_AND_CHAI = ((15, 2, "no onions"), (16, 1, ""))


def staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def take_order(
    *,
    table_id: int | None = None,
    items=PANEER_AND_CHAI,
    customer_id: int | None = None,
    waiter: str = "waiter",
    outlet_id: int = 1,
    guests: int | None = None,
) -> Order:
    """A new order (order_create): at `table_id` (dine in) or, without one, a takeaway."""
    from hub.services.orders import ItemInput, order_create

    return order_create(
        outlet=Outlet.objects.get(pk=outlet_id),
        by=staff(waiter),
        order_type_id=1 if table_id else 2,
        table_id=table_id,
        customer_id=customer_id,
        guests=guests,
        items=[ItemInput(quantity=q, menu_item_id=m, note=note) for m, q, note in items],
    )


def send(order: Order, *, by: str = "waiter", auto_print: bool = False) -> list[Kot]:
    """kot_send the order's unsent lines. The demo prints KOTs as they are sent; here only
    with `auto_print`, so a test asks for the print it is about."""
    from hub.services.kitchen import kot_send

    Outlet.objects.filter(pk=order.outlet_id).update(auto_print_kot=auto_print)
    return kot_send(order_id=order.pk, outlet=order.outlet, by=staff(by))


def kitchen_kot(order: Order | None = None, *, kitchen_id: int = 1, **send_kwargs) -> Kot:
    """The KOT that sending `order` (a new takeaway by default) gives kitchen `kitchen_id`."""
    order = order or take_order()
    (kot,) = [k for k in send(order, **send_kwargs) if k.kitchen_id == kitchen_id]
    return kot


def billed(order: Order | None = None, **take) -> Order:
    """An order sent to the kitchens (what is not sent yet), then billed (order_set_status)."""
    from hub.services.orders import order_set_status

    order = order or take_order(**take)
    if order.items.filter(status=OrderItem.Status.PENDING).exists():
        send(order)
    return order_set_status(
        order_id=order.pk, outlet=order.outlet, by=staff("cashier"), status="billed"
    )


def paid(order: Order | None = None, **take) -> Order:
    """A billed order paid in full in cash (payments_capture)."""
    from hub.services.payments import PaymentRequest, payments_capture

    order = billed(order, **take)
    outcome = payments_capture(
        order_id=order.pk,
        outlet=order.outlet,
        by=staff("cashier"),
        requests=[PaymentRequest("cash", order.total)],
    )
    return outcome.order


def cancelled(order: Order | None = None, *, reason: str = "guest left", **take) -> Order:
    from hub.services.orders import order_cancel

    order = order or take_order(**take)
    return order_cancel(order_id=order.pk, outlet=order.outlet, by=staff("manager"), reason=reason)


def taking_back(kind: str, *, reason: str = "guest left") -> tuple[Kot, Kot]:
    """(the KOT, the ticket of `kind` void or cancellation that takes its lines back):
    every line of a sent takeaway removed (order_update) or the order cancelled."""
    from hub.services.orders import order_update

    order = take_order()
    original = kitchen_kot(order)
    if kind == "void":
        order_update(
            order_id=order.pk, outlet=order.outlet, by=staff("waiter"), items=[], void_reason=reason
        )
    else:
        cancelled(order, reason=reason)
    ticket = Kot.objects.get(order=order, kitchen_id=original.kitchen_id, kind=kind)
    return Kot.objects.get(pk=original.pk), ticket


def job_bytes(job: PrintJob) -> bytes:
    """What the printer gets for `job`: its ticket rendered (printers/jobs.py)."""
    from printers.jobs import job_rendered

    return job_rendered(job).payload


def job_preview(job: PrintJob) -> str:
    from printers.jobs import job_rendered

    return job_rendered(job).preview


class FakePrinter:
    """A raw-TCP printer on 127.0.0.1: each connection's bytes, read to EOF, are one job."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jobs: list[bytes] = []
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def on(self) -> FakePrinter:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(8)
        sock.settimeout(0.2)
        self.sock = sock
        self.thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self.thread.start()
        return self

    def off(self) -> None:
        if self.sock is not None:
            sock, self.sock = self.sock, None
            self.thread.join(timeout=2)
            sock.close()

    def _serve(self, sock: socket.socket) -> None:
        while self.sock is sock:
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(5)
                chunks = []
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
            with self._lock:
                self.jobs.append(b"".join(chunks))

    def wait_for(self, count: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= count:
                    return list(self.jobs)
            time.sleep(0.02)
        return list(self.jobs)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free fake-printer port in 9201-9220")


@pytest.fixture
def fake_printer():
    """A fake network printer, NOT yet listening (call .on())."""
    printer = FakePrinter(_free_port())
    yield printer
    printer.off()


def use_network_printer(printer_id: int, fake: FakePrinter) -> Printer:
    printer = Printer.objects.get(pk=printer_id)
    printer.connection = Printer.Connection.NETWORK
    printer.address = fake.address
    printer.save()
    return printer


def use_file_printer(printer_id: int, path) -> Printer:
    printer = Printer.objects.get(pk=printer_id)
    printer.connection = Printer.Connection.FILE
    printer.address = str(path)
    printer.save()
    return printer
