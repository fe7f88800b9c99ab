"""The official record as PDF (fpdf2): "Berita Acara Pemeriksaan" or "... Penundaan ...".

Pure: takes the plain dict built by ``screening.record.record_for_pdf`` (already in Indonesian
words and the unit's local time) and returns bytes. The shared document parts (Unicode font,
"Halaman X dari Y", QR code) are in ``platform.pdfdoc``.
"""

from __future__ import annotations

from typing import Any

from fpdf.enums import XPos, YPos

from waspada.platform.pdfdoc import FAMILY, OfficialDocument

TITLES = {
    ("departure", False): "BERITA ACARA PEMERIKSAAN KEBERANGKATAN",
    ("departure", True): "BERITA ACARA PENUNDAAN KEBERANGKATAN",
    ("passport", False): "BERITA ACARA PEMERIKSAAN PERMOHONAN PASPOR",
    ("passport", True): "BERITA ACARA PENUNDAAN PENERBITAN PASPOR",
}
POSTPONING = {"postpone", "refer_kp2mi", "refer_police"}
QR_SIZE = 30  # mm
LABEL_WIDTH = 52  # mm


def _text(value: Any) -> str:
    return "-" if value is None or value == "" else str(value).replace("\x00", "")


def _heading(pdf: OfficialDocument, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=9)


def _rows(pdf: OfficialDocument, rows: list[tuple[str, Any]]) -> None:
    """Label / value rows (the shared layout: a label of two lines, such as "Alasan berbeda dari
    rekomendasi", pushes the next row down instead of being printed over by it, and is set
    left-aligned, not justified)."""
    pdf.rows([(label, _text(value)) for label, value in rows], label_width=LABEL_WIDTH)


def _letterhead(pdf: OfficialDocument, record: dict[str, Any], title: str) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 6, "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 6, "DIREKTORAT JENDERAL IMIGRASI", align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=10)
    pdf.cell(0, 6, record["unit"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(0.4)
    pdf.line(18, pdf.get_y() + 1, 192, pdf.get_y() + 1)
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 7, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=9)
    pdf.cell(0, 5, f"Nomor: {record['record_no']}", align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    if record.get("corrects"):
        pdf.cell(0, 5, f"Koreksi atas berita acara nomor {record['corrects']}", align="C",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _reasons(pdf: OfficialDocument, reasons: list[dict[str, str]]) -> None:
    if not reasons:
        pdf.line_text("Tidak ditemukan indikator risiko.")
        return
    for index, reason in enumerate(reasons, start=1):
        pdf.set_font(FAMILY, "B", 9)
        pdf.line_text(f"{index}. {reason['title']}")
        pdf.set_font(FAMILY, size=8)
        pdf.set_x(pdf.l_margin + 5)
        if reason.get("evidence"):
            pdf.multi_cell(0, 4.5, f"Bukti: {reason['evidence']}", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
            pdf.set_x(pdf.l_margin + 5)
        pdf.multi_cell(0, 4.5, f"Sumber: {reason['source']}", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=9)


def _signatures(pdf: OfficialDocument, record: dict[str, Any]) -> None:
    if pdf.get_y() > pdf.h - 95:  # keep the signatures and the QR code together on one page
        pdf.add_page()
    pdf.ln(4)
    pdf.cell(0, 5, f"{record['place']}, {record['signed_date']}", align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    y = pdf.get_y()
    pdf.set_xy(18, y)
    pdf.multi_cell(80, 5, "Yang diperiksa,\n\n\n\n"
                   + (record["traveller"].get("full_name") or "-"), align="C")
    pdf.set_xy(112, y)
    pdf.multi_cell(80, 5, "Petugas pemeriksa,\n\n\n\n" + record["officer"], align="C",
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(112)
    pdf.multi_cell(80, 5, f"NIP {record['officer_nip']}\n{record['officer_rank']}",
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    top = pdf.get_y()
    pdf.qr(record["verification_payload"], x=18, y=top, size=QR_SIZE)
    pdf.set_xy(18 + QR_SIZE + 4, top + 2)
    pdf.set_font(FAMILY, size=8)
    pdf.multi_cell(0, 4, (
        "Ditandatangani secara elektronik di Waspada. Untuk memeriksa keaslian berita acara "
        "ini, pindai kode QR atau sampaikan nomor dan kode verifikasinya kepada "
        f"{record['unit']}.\nKode verifikasi: {record['verification_code']}\n"
        f"Versi penilaian: {record['assessment_version']}"
        + ("\nDATA SINTETIS (DEMO)." if record.get("synthetic") else "")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 2))


def render_record(record: dict[str, Any]) -> bytes:
    """Render the official record. ``record`` keys: see ``screening.record.record_for_pdf``."""
    title = TITLES[(record["kind"], record["action"] in POSTPONING)]
    pdf = OfficialDocument(record["record_no"],
                           footer_note=f"kode verifikasi {record['verification_code']}")
    pdf.set_title(title)
    pdf.set_creator("Waspada")
    pdf.add_page()
    _letterhead(pdf, record, title)
    pdf.line_text(
        f"Pada tanggal {record['signed_at']}, bertempat di {record['unit']}, kami, "
        f"{record['officer']} (NIP {record['officer_nip']}, {record['officer_rank']}), "
        f"{record['officer_role']} pada {record['unit']}, telah melakukan pemeriksaan terhadap "
        "Warga Negara Indonesia dengan keterangan sebagai berikut:")
    _heading(pdf, "I. Identitas")
    traveller = record["traveller"]
    _rows(pdf, [("Nama", traveller.get("full_name")), ("NIK", traveller.get("nik")),
                ("Nomor paspor", traveller.get("passport_no")),
                ("Tanggal lahir", traveller.get("birth_date")),
                ("Jenis kelamin", traveller.get("sex"))])
    _heading(pdf, "II. Keterangan perjalanan")
    _rows(pdf, list(record["facts"]))
    _heading(pdf, "III. Hasil pemeriksaan")
    _rows(pdf, [("Tingkat risiko", record["level_label"]),
                ("Rekomendasi sistem", record["recommended_label"])])
    _reasons(pdf, record["reasons"])
    _heading(pdf, "IV. Keputusan petugas")
    rows: list[tuple[str, Any]] = [("Keputusan", record["action_label"])]
    if record.get("deviation_reason"):
        rows.append(("Alasan berbeda dari rekomendasi", record["deviation_reason"]))
    rows.append(("Dasar hukum", "; ".join(record["legal_bases"]) or "-"))
    if record.get("approval"):
        rows.append(("Persetujuan atasan", record["approval"]))
    _rows(pdf, rows)
    # the optional sections are numbered in turn: no "V" missing when there are no notes
    extra = [(title, record.get(key)) for key, title in
             (("notes", "Catatan petugas"), ("statement", "Keterangan yang bersangkutan"))]
    for numeral, (title, text) in zip(("V", "VI"), [e for e in extra if e[1]], strict=False):
        _heading(pdf, f"{numeral}. {title}")
        pdf.line_text(_text(text))
    pdf.ln(4)
    pdf.line_text("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
                  "sebagaimana mestinya.")
    _signatures(pdf, record)
    return bytes(pdf.output())
