"""Getting bytes to a printer: network (raw TCP 9100), file, USB, serial (docs/printing.md).

`deliver(kind, address, payload, on_written=...)` returns when the printer has
everything or raises PrinterUnavailable with a message fit for staff. Used by
the dispatcher and by the print agent alike. No database here.

What "printed" can mean on raw TCP: port 9100 has no acknowledgement. We count a
job delivered when every byte was written (`on_written`, the job becomes `sent`)
and the connection then closed cleanly (the printer took it all). A printer that
is out of paper may still accept the bytes; that is the protocol's limit.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

DEFAULT_PORT = 9100
CONNECT_TIMEOUT = float(os.environ.get("HUB_PRINT_CONNECT_TIMEOUT", "3"))
WRITE_TIMEOUT = float(os.environ.get("HUB_PRINT_WRITE_TIMEOUT", "10"))
# After our FIN, how long we wait for the printer to close its side. Many printers
# keep the socket open until their own timeout; not hearing back is not an error.
CLOSE_WAIT = float(os.environ.get("HUB_PRINT_CLOSE_WAIT", "1"))


class PrinterUnavailable(Exception):
    """The printer could not take the job now; the message says why, for staff."""


def parse_host_port(address: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    address = address.strip()
    if not address:
        raise PrinterUnavailable("no address set for this network printer")
    if address.startswith("["):  # [::1]:9100
        host, _, rest = address[1:].partition("]")
        port = rest.lstrip(":")
    elif address.count(":") == 1:
        host, _, port = address.partition(":")
    else:
        host, port = address, ""
    try:
        return host, int(port) if port else default_port
    except ValueError:
        raise PrinterUnavailable(f"bad printer address {address!r} (want host:port)") from None


def send_network(
    address: str,
    payload: bytes,
    *,
    on_written: Callable[[], None] | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    write_timeout: float = WRITE_TIMEOUT,
    close_wait: float = CLOSE_WAIT,
) -> None:
    host, port = parse_host_port(address)
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout)
    except OSError as exc:
        raise PrinterUnavailable(f"cannot connect to the printer: {_reason(exc)}") from exc
    try:
        sock.settimeout(write_timeout)
        sock.sendall(payload)
        if on_written:
            on_written()
        sock.shutdown(socket.SHUT_WR)  # FIN after the last byte: "that is the whole job"
        sock.settimeout(close_wait)
        try:
            while sock.recv(1024):  # status bytes some printers send; drain until they close
                pass
        except TimeoutError:
            pass
    except OSError as exc:
        raise PrinterUnavailable(f"the printer connection broke: {_reason(exc)}") from exc
    finally:
        sock.close()


def send_file(path: str, payload: bytes) -> None:
    """Append to a file (a spool for tests and demos, or a device node such as /dev/usb/lp0)."""
    if not path:
        raise PrinterUnavailable("no path set for this file printer")
    target = Path(path)
    try:
        if not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "ab") as handle:
            handle.write(payload)
            handle.flush()
            if target.is_file():
                os.fsync(handle.fileno())
    except OSError as exc:
        raise PrinterUnavailable(f"cannot write to {path}: {_reason(exc)}") from exc


def send_usb(address: str, payload: bytes) -> None:
    """address `vendor:product` in hex, e.g. `04b8:0202` (needs pyusb)."""
    try:
        vendor, product = (int(part, 16) for part in address.split(":"))
    except ValueError:
        raise PrinterUnavailable(
            f"bad USB address {address!r} (want vendor:product in hex)"
        ) from None
    try:
        from escpos.printer import Usb

        printer = Usb(vendor, product)
        printer.open()
        printer._raw(payload)
        printer.close()
    except Exception as exc:  # pyusb missing, device gone, permissions: all "unavailable"
        raise PrinterUnavailable(f"USB printer {address}: {_reason(exc)}") from exc


def send_serial(address: str, payload: bytes) -> None:
    """address: the device, optionally `device@baudrate`, e.g. `/dev/ttyUSB0@19200` (needs pyserial)."""
    device, _, baud = address.partition("@")
    try:
        from escpos.printer import Serial

        printer = Serial(devfile=device, baudrate=int(baud or 9600), timeout=WRITE_TIMEOUT)
        printer.open()
        printer._raw(payload)
        printer.close()
    except Exception as exc:
        raise PrinterUnavailable(f"serial printer {device}: {_reason(exc)}") from exc


def deliver(
    connection: str, address: str, payload: bytes, *, on_written: Callable[[], None] | None = None
) -> None:
    """Send `payload` over `connection` (a Printer.Connection value other than agent)."""
    if connection == "network":
        send_network(address, payload, on_written=on_written)
    elif connection == "file":
        send_file(address, payload)
    elif connection == "usb":
        send_usb(address, payload)
    elif connection == "serial":
        send_serial(address, payload)
    else:
        raise PrinterUnavailable(f"the hub cannot send to a {connection!r} printer itself")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (printer off or wrong port?)"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:200]
