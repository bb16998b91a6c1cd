"""Lines the printer's code page cannot show, drawn as images (docs/printing.md "Characters").

A thermal printer only has its code pages (PC858: Latin letters and the euro); a Hindi
note, a Tamil dish name or the rupee sign is not in any of them. Such a line is drawn
here with Pillow (its bundled libraqm shapes Devanagari and Tamil: conjuncts, vowel
signs before their consonant) in Noto Sans Devanagari and Noto Sans Tamil, which come
from PyPI (fontpkg-noto-sans-devanagari, fontpkg-noto-sans-tamil: `pip install` brings
them, no system font needed), at the paper's width in dots, and printed as a raster
image (GS v 0) where the text would have been. Both fonts carry Latin letters, digits
and the rupee sign too, so a mixed line ("2 x पनीर टिक्का   25.98") is one image.

Columns stay where the layout put them: a line is cut at runs of two or more spaces,
each piece starts at its column (cell = dots / columns), and a last piece that ends at
the line's end is set flush right (the amounts of a bill). A line too long for the paper
is drawn smaller, never cut. Pure functions of their arguments, no I/O but reading the
fonts once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_SIZE = 22  # px: about the height of the printer's own font A (12 x 24 dots)
LINE_GAP = 2
SCRIPTS = {"deva": "fontpkg_noto_sans_devanagari", "tamil": "fontpkg_noto_sans_tamil"}
# Dots a line holds, when the printer's profile does not say: 203 dpi thermal heads.
PAPER_DOTS = {58: 384, 80: 576}


class FontMissing(RuntimeError):
    """A font package is not installed: the hub cannot print that script."""


def font_path(script: str) -> Path:
    import importlib

    try:
        package = importlib.import_module(SCRIPTS[script])
    except ImportError as exc:
        raise FontMissing(f"{SCRIPTS[script]} is not installed (pip install -e .)") from exc
    found = sorted((Path(package.ROOT) / "files").glob("*.ttf"))
    if not found:
        raise FontMissing(f"{SCRIPTS[script]} has no font file")
    return found[0]


@lru_cache(maxsize=32)
def font(script: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    loaded = ImageFont.truetype(str(font_path(script)), size, layout_engine=ImageFont.Layout.RAQM)
    try:  # the packages ship variable fonts: pick the weight by its name
        loaded.set_variation_by_name("Bold" if bold else "Regular")
    except (OSError, ValueError):
        pass
    return loaded


def script_of(char: str) -> str:
    """Which font draws `char`: Tamil's block in Noto Sans Tamil, all else (Devanagari,
    Latin, digits, the rupee sign) in Noto Sans Devanagari."""
    return "tamil" if "\u0b80" <= char <= "\u0bff" else "deva"


def runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (script, piece) runs; spaces and punctuation stay with their run."""
    out: list[tuple[str, str]] = []
    for char in text:
        script = script_of(char) if not (char.isspace() or not char.isalnum()) else None
        if out and (script is None or out[-1][0] == script):
            out[-1] = (out[-1][0], out[-1][1] + char)
        else:
            out.append((script or "deva", char))
    return out


def has_glyph(char: str, *, script: str | None = None) -> bool:
    """Whether the font that draws `char` has a glyph for it (not the empty box .notdef)."""
    face = font(script or script_of(char), FONT_SIZE)
    missing = face.getmask("\U0010fffd")
    mask = face.getmask(char)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


def _width(text: str, size: int, bold: bool) -> float:
    return sum(font(script, size, bold).getlength(piece) for script, piece in runs(text))


def _draw(draw: ImageDraw.ImageDraw, x: float, y: int, text: str, size: int, bold: bool) -> None:
    for script, piece in runs(text):
        face = font(script, size, bold)
        draw.text((x, y), piece, font=face, fill=0)
        x += face.getlength(piece)


SEGMENT = re.compile(r"\S(?:.*?\S)?(?= {2,}|$)")


def line_image(
    text: str,
    *,
    dots: int,
    columns: int,
    align: str = "left",
    bold: bool = False,
    double: bool = False,
    tall: bool = False,
) -> Image.Image:
    """`text` (one laid-out line of `columns` characters) as a 1-bit image `dots` wide."""
    wide = 2 if double else 1
    high = 2 if (double or tall) else 1
    width = dots // wide  # drawn at single width, then doubled like the printer's own font
    cols = max(columns // wide, 1)
    cell = width / cols
    pieces = [(m.start(), m.group()) for m in SEGMENT.finditer(text)]
    size = FONT_SIZE
    while True:
        placed = _place(pieces, text, size=size, bold=bold, width=width, cell=cell, align=align)
        if placed is not None or size <= 10:
            break
        size -= 2  # too long for the paper at this size: smaller, never cut
    face = font("deva", size, bold)
    ascent, descent = face.getmetrics()
    image = Image.new("L", (width, ascent + descent + LINE_GAP), 255)
    draw = ImageDraw.Draw(image)
    for x, piece in placed or _place(
        pieces, text, size=size, bold=bold, width=width, cell=cell, align=align, force=True
    ):
        _draw(draw, x, 0, piece, size, bold)
    image = image.point(lambda v: 0 if v < 128 else 255).convert("1")
    if wide != 1 or high != 1:
        image = image.resize((image.width * wide, image.height * high), Image.Resampling.NEAREST)
    return image


def _place(pieces, text, *, size, bold, width, cell, align, force=False):
    """Where each piece starts (x in dots), or None when they do not fit at `size`."""
    if not pieces:
        return []
    widths = [_width(piece, size, bold) for _, piece in pieces]
    if len(pieces) == 1 and align in ("center", "right"):
        free = width - widths[0]
        x = free / 2 if align == "center" else free
        return [(max(x, 0), pieces[0][1])] if free >= 0 or force else None
    out = []
    end = 0.0
    for index, ((start, piece), w) in enumerate(zip(pieces, widths, strict=True)):
        x = max(start * cell, end + (cell if index else 0))
        last = index == len(pieces) - 1
        if last and index and len(text.rstrip()) >= round(width / cell):
            x = max(width - w, end + cell)  # the amount column: flush right
        out.append((x, piece))
        end = x + w
    if end > width and not force:
        return None
    return out


def dithered(image: Image.Image, *, dots: int, max_height: int = 240) -> Image.Image:
    """A logo fitted into `dots` x `max_height` (never wider than the paper), on white,
    Floyd-Steinberg dithered to the printer's black and white, centred on the line."""
    image = image.convert("RGBA")
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.split()[3])
    scale = min(dots / flat.width, max_height / flat.height)
    size = (max(int(flat.width * scale), 1), max(int(flat.height * scale), 1))
    flat = flat.resize(size, Image.Resampling.LANCZOS).convert("L")
    canvas = Image.new("L", (dots, size[1]), 255)
    canvas.paste(flat, ((dots - size[0]) // 2, 0))
    return canvas.convert("1")  # Pillow dithers (Floyd-Steinberg) when it goes to 1 bit
