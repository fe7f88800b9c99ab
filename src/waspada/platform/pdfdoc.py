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
from typing import cast

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

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

    # -- the parts every official document shares (used by the case summary and referral
    #    letter; the Berita Acara keeps its own layout in screening/pdf.py) --------------------

    def letterhead(self, lines: list[str], title: str, number: str) -> None:
        """Centred heading lines, a rule, the title and "Nomor: ..."."""
        for index, line in enumerate(lines):
            self.set_font(FAMILY, "B" if index < len(lines) - 1 else "", 11 if index == 0
                          else 10)
            self.cell(0, 6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)
        self.set_font(FAMILY, "B", 12)
        self.cell(0, 7, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=9)
        self.cell(0, 5, f"Nomor: {number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", 10)
        self.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=9)

    def rows(self, rows: list[tuple[str, str]], label_width: float = 52) -> None:
        """Label / value rows; long values wrap under their value column."""
        for label, value in rows:
            self.set_font(FAMILY, "B", 9)
            height = cast(float, self.multi_cell(label_width, 5, label, align="L", dry_run=True,
                                                 output=MethodReturnValue.HEIGHT))
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            y = self.get_y()
            self.multi_cell(label_width, 5, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
            label_bottom = y + height
            self.set_font(FAMILY, size=9)
            text = "-" if value is None or value == "" else str(value).replace("\x00", "")
            self.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_y(max(self.get_y(), label_bottom))

    def signature(self, place_date: str, role: str, name: str, nip: str, rank: str) -> None:
        """Place and date, then the signing officer's role, name, NIP and rank (right)."""
        if self.get_y() > self.h - 90:  # keep the signature and the QR code on one page
            self.add_page()
        self.ln(4)
        self.cell(0, 5, place_date, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(self.w - self.r_margin - 80)
        self.multi_cell(80, 5, f"{role}\n\n\n\n{name}\nNIP {nip}\n{rank}", align="C",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def verification(self, payload: str, text: str, size: float = 30) -> None:
        """The QR code of ``payload`` with the explanation ``text`` beside it."""
        self.ln(4)
        if self.get_y() > self.h - 20 - size:
            self.add_page()
        top = self.get_y()
        self.qr(payload, x=self.l_margin, y=top, size=size)
        self.set_xy(self.l_margin + size + 4, top + 2)
        self.set_font(FAMILY, size=8)
        self.multi_cell(0, 4, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(self.get_y(), top + size + 2))
        self.set_font(FAMILY, size=9)
