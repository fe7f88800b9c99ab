"""Shared parts of Waspada's official PDF documents (fpdf2): a Unicode font shipped with the
package, "Halaman X dari Y" page numbering with the document number, and a QR code.

The font is DejaVu Sans (platform/fonts/, Bitstream Vera licence, see LICENSE.txt there): it
covers every character a record may hold (Indonesian and other Latin names, arrows, dashes,
quotes), so nothing prints as "?". The QR code is made by ``segno`` (pure Python, BSD) as a PNG
and embedded as an image.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def qr_png(payload: str, scale: int = 8) -> bytes:
    """A QR code (error correction M, quiet zone included) for ``payload`` as PNG bytes."""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


class OfficialDocument(FPDF):
    """A4, the shipped Unicode font, and a footer with the document number and page X of Y."""

    def __init__(self, document_no: str, footer_note: str = "") -> None:
        super().__init__(format="A4")
        self.document_no = document_no
        self.footer_note = footer_note
        for style, filename in FONT_FILES.items():
            self.add_font(FAMILY, style, str(FONT_DIR / filename))
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(18, 16, 18)
        self.alias_nb_pages()
        self.set_font(FAMILY, size=9)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FAMILY, size=7)
        left = f"No. {self.document_no}" + (f" · {self.footer_note}" if self.footer_note else "")
        self.cell(120, 5, left, align="L")
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    def qr(self, payload: str, x: float, y: float, size: float) -> None:
        """Embed the QR code of ``payload`` as a ``size`` mm square image at (x, y)."""
        self.image(io.BytesIO(qr_png(payload)), x=x, y=y, w=size, h=size)

    def line_text(self, text: str, height: float = 5, align: str = "L") -> None:
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
