"""The UPI payment link a bill's QR code carries (CONTRACT 17, docs/printing.md "UPI QR").

`upi://pay?pa=<upi id>&pn=<outlet name>&am=<amount>&cu=INR&tn=<order number>`: every
value percent-encoded (RFC 3986; a space is %20, never "+", which some UPI apps show
as a plus), the `@` of the UPI id kept as it is (a query may carry it, and every UPI app
reads `pa=name@bank`), the amount with two decimals. A pure function: the order
representation (`upi_uri`) and the bill ticket both call it, so the QR on paper and the
one a screen draws carry the same link.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

import qrcode
import qrcode.image.svg

CENT = Decimal("0.01")


def upi_uri(*, upi_id: str, payee: str, amount: Decimal, reference: str) -> str | None:
    """The link for paying `amount` to `upi_id`, or None when there is no UPI id or
    nothing to pay (a zero or negative amount never gets a QR)."""
    upi_id = (upi_id or "").strip()
    if not upi_id or amount is None or Decimal(amount) <= 0:
        return None
    fields = (
        ("pa", upi_id),
        ("pn", payee),
        ("am", f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):f}"),
        ("cu", "INR"),
        ("tn", reference),
    )
    return "upi://pay?" + "&".join(f"{key}={quote(str(value), safe='@')}" for key, value in fields)


def order_upi_uri(order, check=None) -> str | None:
    """The link for what is still due on `order` (an hub.models.Order with its outlet), or
    on one `check` of its split bill; None for a cancelled order, a paid one, or an outlet
    without a UPI id. What the order representation's `upi_uri` and the bill's QR carry."""
    if order.status == "cancelled":
        return None
    due = (check if check is not None else order).balance_due
    return upi_uri(
        upi_id=order.outlet.upi_id, payee=order.outlet.name, amount=due, reference=order.number
    )


def upi_qr_svg(uri: str | None) -> str | None:
    """The QR code of `uri` as an SVG document, for a screen to show beside the printed
    bill (the waiter tablet, after "Print bill"). The `qrcode` package python-escpos
    itself draws the paper QR with, at the same error correction (M), so the two codes
    carry the same link; a vector, so it is sharp at any size. None without a link."""
    if not uri:
        return None
    image = qrcode.make(
        uri,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,  # the quiet zone a phone camera needs
    )
    return image.to_string(encoding="unicode")
