"""The printed case summary ("Ringkasan Kasus") and referral letter ("Surat Rujukan") as PDF, to
the standard of the screening's Berita Acara (``platform.pdfdoc``: the shipped Unicode font,
"Halaman X dari Y" with the document number, local time with its zone, every code in words,
the officer's name, NIP and rank, and a QR code that carries the verification code).

Pure: takes the dicts of ``cases.printed`` and returns bytes.
"""

from __future__ import annotations

from typing import Any

from waspada.platform.pdfdoc import FAMILY, OfficialDocument

LETTERHEAD = ["REPUBLIK INDONESIA", "WASPADA — PELINDUNGAN WNI DARI PERDAGANGAN ORANG"]


def _verify_text(doc: dict[str, Any], what: str) -> str:
    return (f"Dicetak dari Waspada pada {doc['issued_at']} oleh {doc['officer']}. Untuk "
            f"memeriksa keaslian {what} ini, pindai kode QR atau sampaikan nomor dan kode "
            f"verifikasinya kepada {doc['unit']}; cetakan ini tercatat di log audit.\n"
            f"Kode verifikasi: {doc['verification_code']}"
            + ("\nDATA SINTETIS (DEMO)." if doc.get("synthetic") else ""))


def _start(doc: dict[str, Any]) -> OfficialDocument:
    pdf = OfficialDocument(doc["document_no"],
                           footer_note=f"kode verifikasi {doc['verification_code']}")
    pdf.set_title(doc["title"])
    pdf.set_creator("Waspada")
    pdf.add_page()
    pdf.letterhead([*LETTERHEAD, doc["unit"]], doc["title"], doc["document_no"])
    return pdf


def render_summary(doc: dict[str, Any]) -> bytes:
    """The case summary: facts, people (as the printing role may see them), steps with local
    times, referrals, tasks and trafficking events."""
    pdf = _start(doc)
    pdf.heading("I. Data kasus")
    pdf.rows(doc["facts"])
    if doc.get("summary"):
        pdf.heading("II. Uraian laporan")
        pdf.line_text(str(doc["summary"]))
    pdf.heading("III. Orang dalam kasus")
    for role, rows in doc["persons"]:
        pdf.set_font(FAMILY, "B", 9)
        pdf.line_text(role)
        pdf.rows(rows)
        pdf.ln(1)
    pdf.heading("IV. Riwayat langkah")
    if not doc["history"]:
        pdf.line_text("Belum ada langkah.")
    for when, state, actor, values in doc["history"]:
        pdf.set_font(FAMILY, "B", 9)
        pdf.line_text(f"{when} — {state} ({actor})")
        if values:
            pdf.set_font(FAMILY, size=8)
            pdf.line_text(values, height=4.5)
    pdf.heading("V. Rujukan")
    if doc["referrals"]:
        pdf.rows(doc["referrals"], label_width=90)
    else:
        pdf.line_text("Belum ada rujukan.")
    pdf.heading("VI. Tugas")
    if doc["tasks"]:
        pdf.rows(doc["tasks"], label_width=110)
    else:
        pdf.line_text("Tidak ada tugas.")
    if doc["events"]:
        pdf.heading("VII. Peristiwa perdagangan orang")
        pdf.rows(doc["events"], label_width=40)
    pdf.signature(f"{doc['place']}, {doc['issued_date']}", "Petugas yang mencetak,",
                  doc["officer"], doc["officer_nip"], doc["officer_rank"])
    pdf.verification(doc["verification_payload"], _verify_text(doc, "ringkasan kasus"))
    return bytes(pdf.output())


def render_referral(doc: dict[str, Any]) -> bytes:
    """The referral (or transfer) letter to the receiving organisation."""
    pdf = _start(doc)
    pdf.rows([("Kepada Yth.", doc["to_org"]), ("Perihal", doc["subject"]),
              ("Tanggal rujukan", doc["created_on"]), ("Status", doc["status"])])
    pdf.ln(3)
    pdf.line_text("Dengan hormat,")
    pdf.ln(1)
    verb = "mengalihkan penanganan" if doc["transfer"] else "merujuk"
    pdf.line_text(f"Bersama surat ini, {doc['unit']} {verb} kasus dugaan tindak pidana "
                  "perdagangan orang berikut kepada Bapak/Ibu untuk ditindaklanjuti sesuai "
                  "kewenangan.")
    pdf.heading("I. Kasus")
    pdf.rows(doc["case_facts"])
    pdf.heading("II. Korban")
    for rows in doc["victims"] or [[("Nama", "-")]]:
        pdf.rows(rows)
        pdf.ln(1)
    pdf.heading("III. Alasan dan keterangan")
    pdf.rows([("Alasan rujukan", doc["reason"]), ("Keterangan", doc["details"] or "-"),
              ("Persetujuan korban", doc["consent"])])
    pdf.ln(3)
    pdf.line_text("Mohon jawaban atas rujukan ini disampaikan melalui Waspada atau kepada "
                  f"{doc['unit']}. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima "
                  "kasih.")
    pdf.signature(f"{doc['place']}, {doc['issued_date']}", "Petugas yang merujuk,",
                  doc["officer"], doc["officer_nip"], doc["officer_rank"])
    pdf.verification(doc["verification_payload"], _verify_text(doc, "surat rujukan"))
    return bytes(pdf.output())
