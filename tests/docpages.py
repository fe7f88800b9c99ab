"""Synthetic passport / ID data pages for OCR tests and ``bench/documents.py``.

Renders a data page (header, photo box, visual-zone labels, MRZ band at the bottom) in the
monospace fonts Debian ships, and distorts it at graded strength (phone perspective,
rotation up to 10 degrees, glare, blur, low resolution, JPEG artefacts, upside down).
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

from waspada.identity.mrz import generate_mrz

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
)
STATES = ("IDN", "IDN", "IDN", "MYS", "KHM", "PHL", "THA", "MMR", "LAO", "D<<", "NLD", "UTO")
SURNAMES = ("SANTOSO", "WIJAYA", "SIREGAR", "NASUTION", "HIDAYAT", "KUSUMA", "TANJUNG",
            "PRATAMA", "LESTARI", "NGUYEN", "SOK", "DELA CRUZ", "MUSTERMANN")
GIVEN = ("BUDI", "SITI AMINAH", "DEWI", "AGUS HARTONO", "RIZKY", "NUR", "PUTRI AYU",
         "MUHAMMAD", "ERIKA", "JOKO", "ANNA MARIA")
PROTECTED = ("document_number", "birth_date", "expiry_date")
NAMES = ("surname", "given_names")
REF = date(2026, 11, 27)


def random_mrz(rnd: random.Random) -> list[str]:
    kind = rnd.choice(("TD1", "TD2", "TD3", "TD3"))
    state = rnd.choice(STATES)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    number = rnd.choice(letters) + "".join(rnd.choice("0123456789") for _ in range(7))
    born = date(1960, 1, 1) + timedelta(days=rnd.randint(0, 16_000))
    return generate_mrz(
        kind, surname=rnd.choice(SURNAMES), given_names=rnd.choice(GIVEN),
        document_number=number, birth_date=born,
        expiry_date=REF + timedelta(days=rnd.randint(30, 3650)), issuing_state=state,
        nationality=state, sex=rnd.choice("MF"),
        document_code="P" if kind == "TD3" else "I",
        optional_data="".join(rnd.choice("0123456789") for _ in range(rnd.choice((0, 6)))))


def render(lines: list[str], font_path: str, rnd: random.Random) -> Any:
    """A data page: header, photo box, visual zone, MRZ band at the bottom."""
    from PIL import Image, ImageDraw, ImageFont

    width = 1250 if len(lines[0]) == 44 else 1000 if len(lines[0]) == 36 else 880
    height = int(width * 0.7)
    font = ImageFont.truetype(font_path, 40)
    size = int(40 * (width - 70) / font.getlength(lines[0]))  # the MRZ spans the page
    font = ImageFont.truetype(font_path, size)
    small = ImageFont.truetype(FONTS[0], max(14, size - 6))
    img = Image.new("RGB", (width, height), (236 + rnd.randint(-8, 8), 238, 228))
    d = ImageDraw.Draw(img)
    d.text((30, 20), "REPUBLIK INDONESIA  PASPOR / PASSPORT", font=small, fill=(20, 40, 90))
    d.rectangle((30, 70, 30 + width // 5, 70 + width // 4), outline=(120, 120, 120), width=3)
    for i, text in enumerate(("Nama / Name", "No. Paspor / Passport No.", "Tgl. Lahir",
                              "Tgl. Habis Berlaku")):
        d.text((width // 5 + 60, 80 + 45 * i), text, font=small, fill=(60, 60, 60))
    top = height - (len(lines) * int(size * 1.45)) - 25
    for i, ln in enumerate(lines):
        d.text((30, top + i * int(size * 1.45)), ln, font=font, fill=(10, 10, 10))
    return img


def distort(img: Any, strength: int, rnd: random.Random) -> tuple[Any, bool]:
    """Graded distortions; returns the image and whether it was turned upside down."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = img.size
    if strength >= 1:  # phone perspective: move the corners inwards
        k = 0.02 * strength
        quad = [rnd.uniform(0, k) * w, rnd.uniform(0, k) * h,
                rnd.uniform(0, k) * w, h - rnd.uniform(0, k) * h,
                w - rnd.uniform(0, k) * w, h - rnd.uniform(0, k) * h,
                w - rnd.uniform(0, k) * w, rnd.uniform(0, k) * h]
        img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC,
                            fillcolor=(255, 255, 255))
    angle = rnd.uniform(-1, 1) * min(10.0, 3.4 * strength)
    img = img.rotate(angle, expand=True, fillcolor=(250, 250, 250),
                     resample=Image.Resampling.BICUBIC)
    if strength >= 2:  # glare: a bright translucent ellipse
        over = Image.new("RGBA", img.size, (0, 0, 0, 0))
        x, y = rnd.randint(0, img.size[0] // 2), rnd.randint(0, img.size[1] // 2)
        ImageDraw.Draw(over).ellipse((x, y, x + img.size[0] // 3, y + img.size[1] // 4),
                                     fill=(255, 255, 255, 60 + 25 * strength))
        img = Image.alpha_composite(img.convert("RGBA"), over).convert("RGB")
    if strength >= 1:
        img = img.filter(ImageFilter.GaussianBlur(0.35 * strength))
    if strength >= 2:  # low resolution (down to ~150 dpi for a TD3 page)
        f = 1 - 0.17 * (strength - 1)
        img = img.resize((int(img.size[0] * f), int(img.size[1] * f)))
    upside_down = strength >= 1 and rnd.random() < 0.15
    if upside_down:
        img = img.rotate(180, expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=max(25, 92 - 20 * strength))
    buf.seek(0)
    return Image.open(buf).convert("RGB"), upside_down


def page_bytes(lines: list[str], *, strength: int = 0, seed: int = 1, font: int = 0,
               fmt: str = "PNG") -> bytes:
    """A rendered (and, for ``strength`` > 0, distorted) data page as image bytes."""
    rnd = random.Random(seed)
    img = render(lines, FONTS[font], rnd)
    if strength:
        img, _ = distort(img, strength, rnd)
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()
