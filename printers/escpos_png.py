"""ESC/POS bytes read back: the blocks a printer gets, and a PNG of the paper
(docs/printing.md "A bill on paper").

`blocks(payload)` splits what printers/render.py sends into text lines (with the style
they print in), raster images (GS v 0) and QR codes (GS ( k, the printer's own), so a
test can check what each block is; `paper_png(payload, dots)` draws them as a thermal
printer would (font A 12 x 24 dots, double sizes, bold, alignment, the images as they
are, a native QR drawn from its content), for docs and for looking at a ticket without
a printer. Only the commands the renderer emits are understood; anything else is skipped.

    python -m printers.escpos_png var/print-spool/printer-2.bin out.png [--dots 576]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

ESC, GS, LF = 0x1B, 0x1D, 0x0A
ONE_ARG_ESC = set(b"!EatM-G{V3JdSTUcr")
ONE_ARG_GS = set(b"!BVHfhwLkb")


@dataclass
class Style:
    align: int = 0  # 0 left, 1 centre, 2 right
    bold: bool = False
    wide: bool = False
    high: bool = False


@dataclass
class Block:
    kind: str  # text | image | qr | cut
    text: str = ""
    style: Style = field(default_factory=Style)
    image: Image.Image | None = None
    qr: str = ""


def _raster(payload: bytes, at: int) -> tuple[Image.Image, int]:
    """GS v 0 m xL xH yL yH d1...dk at `at` (pointing at GS): the 1-bit image and the end."""
    width_bytes = payload[at + 4] | payload[at + 5] << 8
    height = payload[at + 6] | payload[at + 7] << 8
    start = at + 8
    end = start + width_bytes * height
    data = bytes(payload[start:end])
    # ESC/POS: a set bit is a black dot; Pillow's "1" mode: a set bit is white
    image = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in data))
    return image, end


def blocks(payload: bytes, *, codepage: str = "cp858") -> list[Block]:
    out: list[Block] = []
    style = Style()
    text = bytearray()
    i = 0
    n = len(payload)

    def flush() -> None:
        out.append(Block("text", text.decode(codepage, "replace"), Style(**vars(style))))
        text.clear()

    while i < n:
        b = payload[i]
        if b == LF:
            flush()
            i += 1
        elif b == ESC and i + 1 < n:
            c = payload[i + 1]
            if c == ord("@"):
                style = Style()
                i += 2
            elif c in ONE_ARG_ESC and i + 2 < n:
                arg = payload[i + 2]
                if c == ord("!"):
                    style.bold, style.high, style.wide = (
                        bool(arg & 8),
                        bool(arg & 16),
                        bool(arg & 32),
                    )
                elif c == ord("E"):
                    style.bold = bool(arg & 1)
                elif c == ord("a"):
                    style.align = arg if arg < 3 else arg - 48
                elif c == ord("d"):
                    out.extend(Block("text", "", Style()) for _ in range(arg))
                i += 3
            else:
                i += 2
        elif b == GS and i + 1 < n:
            c = payload[i + 1]
            if c == ord("v") and payload[i + 2] in (0x30, 0):
                image, i = _raster(payload, i)
                out.append(Block("image", image=image, style=Style(**vars(style))))
            elif c == ord("(") and payload[i + 2] in (ord("k"), ord("L")):
                size = payload[i + 3] | payload[i + 4] << 8
                body = payload[i + 5 : i + 5 + size]
                if payload[i + 2] == ord("k") and body[:3] == b"1P0":
                    out.append(Block("qr", qr=body[3:].decode("utf-8"), style=Style(**vars(style))))
                i += 5 + size
            elif c == ord("V"):
                arg = payload[i + 2]
                i += 4 if arg in (65, 66) else 3
                out.append(Block("cut"))
            elif c in ONE_ARG_GS:
                i += 3
            else:
                i += 2
        else:
            text.append(b)
            i += 1
    if text:
        flush()
    return out


def paper_png(payload: bytes, *, dots: int = 576, columns: int | None = None) -> Image.Image:
    """The paper a printer would give for `payload`, as a grey-on-white picture."""
    import qrcode

    from . import raster

    columns = columns or (48 if dots >= 500 else 32)
    cell = dots // columns
    rows: list[Image.Image] = []
    for block in blocks(payload):
        if block.kind == "image" and block.image is not None:
            rows.append(_aligned(block.image.convert("L"), dots, block.style.align))
        elif block.kind == "qr":
            code = qrcode.QRCode(box_size=6, border=1)
            code.add_data(block.qr)
            code.make(fit=True)
            picture = code.make_image()._img.convert("L")
            rows.append(_aligned(picture, dots, block.style.align))
        elif block.kind == "text":
            wide = 2 if block.style.wide else 1
            high = 2 if block.style.high else 1
            line = Image.new("L", (dots // wide, 24), 255)
            draw = ImageDraw.Draw(line)
            face = _mono(block.style.bold) or raster.font("deva", 19, block.style.bold)
            text = block.text.rstrip("\n")
            used = len(text) * cell * wide
            x0 = {0: 0, 1: (dots - used) // 2, 2: dots - used}.get(block.style.align, 0)
            for k, char in enumerate(text):
                draw.text((x0 // wide + k * cell + 1, 1), char, font=face, fill=0)
            if wide != 1 or high != 1:
                line = line.resize((dots, 24 * high), Image.Resampling.NEAREST)
            rows.append(line)
        elif block.kind == "cut":
            cut = Image.new("L", (dots, 12), 255)
            ImageDraw.Draw(cut).line([(0, 6), (dots, 6)], fill=160, width=1)
            rows.append(cut)
    margin = 16
    height = sum(r.height for r in rows) + 2 * margin
    paper = Image.new("L", (dots + 2 * margin, height), 255)
    y = margin
    for row in rows:
        paper.paste(row, (margin, y))
        y += row.height
    return paper


def _mono(bold: bool):
    """A monospaced face like the printer's own font A, if the machine has DejaVu Sans Mono
    (Debian's fonts-dejavu-core); else None and the Noto face drawn one cell per letter."""
    from PIL import ImageFont

    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    try:
        return ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}", 19)
    except OSError:
        return None


def _aligned(image: Image.Image, dots: int, align: int) -> Image.Image:
    if image.width >= dots:
        return image.crop((0, 0, dots, image.height))
    row = Image.new("L", (dots, image.height), 255)
    x = {0: 0, 1: (dots - image.width) // 2, 2: dots - image.width}.get(align, 0)
    row.paste(image, (x, 0))
    return row


if __name__ == "__main__":  # pragma: no cover - a tool for people
    args = sys.argv[1:]
    dots = 576
    if "--dots" in args:
        at = args.index("--dots")
        dots = int(args[at + 1])
        del args[at : at + 2]
    source, target = args
    with open(source, "rb") as file:
        paper_png(file.read(), dots=dots).save(target)
