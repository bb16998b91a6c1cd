"""Printing test helpers: orders and KOTs built straight from the models, a fake network printer."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date
from decimal import Decimal

import pytest

from hub.models import Kot, KotLine, Order, OrderItem, Printer, Staff

D = Decimal
GST5 = [{"name": "CGST", "rate": "2.5"}, {"name": "SGST", "rate": "2.5"}]
PORTS = range(9201, 9221)  # this engineer's fake printer ports


_numbers = iter(range(1, 10**6))


def make_order(
    *,
    outlet_id: int = 1,
    table_id: int | None = 5,
    status: str = "kot",
    items=((15, "Paneer Tikka", 2, "12.99", "no onions", 1), (16, "Masala Chai", 1, "4.50", "", 2)),
    customer_id: int | None = None,
    waiter: str = "waiter",
) -> Order:
    """An order with priced lines and stored totals (GST 5% split CGST/SGST), no services."""
    n = next(_numbers)
    lines = [
        (mid, name, qty, D(price), note, kitchen)
        for (mid, name, qty, price, note, kitchen) in items
    ]
    subtotal = sum((price * qty for (_, _, qty, price, _, _) in lines), D("0"))
    half = (subtotal * D("0.025")).quantize(D("0.01"))
    total = subtotal + 2 * half
    order = Order.objects.create(
        outlet_id=outlet_id,
        number=f"ORD-{outlet_id:03d}-T{n}",
        order_type_id=1 if table_id else 2,
        table_id=table_id,
        customer_id=customer_id,
        status=status,
        business_date=date.today(),
        subtotal=subtotal,
        taxes=[
            {"name": "CGST", "rate": 2.5, "amount": float(half)},
            {"name": "SGST", "rate": 2.5, "amount": float(half)},
        ],
        tax_total=2 * half,
        total=total,
        # a paid order is paid in full (the database refuses status and payment status apart)
        paid_total=total if status == "paid" else D("0"),
        payment_status="paid" if status == "paid" else "unpaid",
        created_by=Staff.objects.get(username=waiter),
    )
    for mid, name, qty, price, note, kitchen in lines:
        OrderItem.objects.create(
            order=order,
            menu_item_id=mid,
            name=name,
            quantity=qty,
            unit_price=price,
            tax_components=GST5,
            kitchen_id=kitchen,
            note=note,
            status="sent_to_kitchen",
        )
    return order


def make_kot(
    order: Order,
    *,
    kitchen_id: int = 1,
    kind: str = "new",
    voids: Kot | None = None,
    reason: str = "",
    number: str | None = None,
) -> Kot:
    n = next(_numbers)
    kot = Kot.objects.create(
        outlet_id=order.outlet_id,
        order=order,
        kitchen_id=kitchen_id,
        number=number or f"KOT-{n:03d}",
        business_date=order.business_date,
        kind=kind,
        voids=voids,
        reason=reason,
        created_by=order.created_by,
    )
    for item in order.items.filter(kitchen_id=kitchen_id):
        KotLine.objects.create(
            kot=kot, order_item=item, name=item.name, quantity=item.quantity, note=item.note
        )
    return kot


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
