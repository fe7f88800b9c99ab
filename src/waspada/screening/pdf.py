"""The official record as PDF (fpdf2): "Berita Acara Pemeriksaan" or "... Penundaan ...".

Pure: takes a plain dict (built by the store from a decided screening) and returns bytes.
Uses fpdf2's built-in Helvetica; text is reduced to Latin-1 (Indonesian needs nothing more;
other characters are transliterated or replaced).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

TITLES = {
    ("departure", False): "BERITA ACARA PEMERIKSAAN KEBERANGKATAN",
    ("departure", True): "BERITA ACARA PENUNDAAN KEBERANGKATAN",
    ("passport", False): "BERITA ACARA PEMERIKSAAN PERMOHONAN PASPOR",
    ("passport", True): "BERITA ACARA PENUNDAAN PENERBITAN PASPOR",
}
POSTPONING = {"postpone", "refer_kp2mi", "refer_police"}


def latin1(text: Any) -> str:
    value = "" if text is None else str(text)
    value = unicodedata.normalize("NFKD", value)
    return value.encode("latin-1", "replace").decode("latin-1").replace("\x00", "")


class _Record(FPDF):
    def __init__(self, record_no: str, verification: str) -> None:
        super().__init__(format="A4")
        self.record_no = record_no
        self.verification = verification
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=7)
        self.cell(0, 5, latin1(f"No. {self.record_no} - kode verifikasi {self.verification} - "
                               f"halaman {self.page_no()}/{{nb}}"), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)


def _rows(pdf: FPDF, rows: list[tuple[str, Any]]) -> None:
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(52, 5, latin1(label))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(0, 5, latin1(value if value not in (None, "") else "-"),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_record(record: dict[str, Any]) -> bytes:
    """Render the official record. ``record`` keys: see ``screening.store.record_for_pdf``."""
    postponing = record["action"] in POSTPONING
    pdf = _Record(record["record_no"], record["verification_code"])
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_title(latin1(TITLES[(record["kind"], postponing)]))
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 6, "DIREKTORAT JENDERAL IMIGRASI", align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, latin1(record["unit"]), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, latin1(TITLES[(record["kind"], postponing)]), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, latin1(f"Nomor: {record['record_no']}"), align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    if record.get("corrects"):
        pdf.cell(0, 5, latin1(f"Koreksi atas berita acara nomor {record['corrects']}"),
                 align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.multi_cell(0, 5, latin1(
        f"Pada tanggal {record['signed_at']} (UTC), kami, {record['officer']}, "
        f"{record['officer_role']} pada {record['unit']}, telah melakukan pemeriksaan terhadap "
        "Warga Negara Indonesia dengan keterangan sebagai berikut:"),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _heading(pdf, "I. Identitas")
    _rows(pdf, [("Nama", record["traveller"].get("full_name")),
                ("NIK", record["traveller"].get("nik")),
                ("Nomor paspor", record["traveller"].get("passport_no")),
                ("Tanggal lahir", record["traveller"].get("birth_date")),
                ("Jenis kelamin", record["traveller"].get("sex"))])
    _heading(pdf, "II. Keterangan perjalanan")
    _rows(pdf, [(label, value) for label, value in record["facts"]])
    _heading(pdf, "III. Hasil pemeriksaan")
    _rows(pdf, [("Tingkat risiko", record["level_label"]),
                ("Rekomendasi sistem", record["recommended_label"])])
    if record["reasons"]:
        for index, reason in enumerate(record["reasons"], start=1):
            pdf.multi_cell(0, 5, latin1(f"{index}. {reason['title']} - bukti: "
                                        f"{reason['evidence']} (sumber: {reason['source']})"),
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(0, 5, "Tidak ditemukan indikator risiko.", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    _heading(pdf, "IV. Keputusan petugas")
    rows = [("Keputusan", record["action_label"])]
    if record.get("deviation_reason"):
        rows.append(("Alasan berbeda dari rekomendasi", record["deviation_reason"]))
    rows.append(("Dasar hukum", "; ".join(record["legal_bases"]) or "-"))
    if record.get("approval"):
        rows.append(("Persetujuan atasan", record["approval"]))
    _rows(pdf, rows)
    if record.get("notes"):
        _heading(pdf, "V. Catatan petugas")
        pdf.multi_cell(0, 5, latin1(record["notes"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if record.get("statement"):
        _heading(pdf, "VI. Keterangan yang bersangkutan")
        pdf.multi_cell(0, 5, latin1(record["statement"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.multi_cell(0, 5, "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
                         "sebagaimana mestinya.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    y = pdf.get_y()
    pdf.set_xy(18, y)
    pdf.multi_cell(80, 5, latin1("Yang diperiksa,\n\n\n\n" + (record["traveller"].get("full_name")
                                                             or "")), align="C")
    pdf.set_xy(112, y)
    pdf.multi_cell(80, 5, latin1("Petugas pemeriksa,\n\n\n\n" + record["officer"]), align="C")
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 7)
    pdf.multi_cell(0, 4, latin1(
        f"Ditandatangani secara elektronik di Waspada. Kode verifikasi: "
        f"{record['verification_code']}. Versi penilaian: {record['assessment_version']}."
        + (" DATA SINTETIS (DEMO)." if record.get("synthetic") else "")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
