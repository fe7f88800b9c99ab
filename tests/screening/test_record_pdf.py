"""The Berita Acara is fit for court: every character printed, answers copied, local time with
zone, Indonesian words instead of codes, readable citations, officer identity, page numbers and
a QR code with the verification payload."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from sqlalchemy import select

from tests.screening.test_screening_web import _create, _decide, _mrz
from waspada.platform.db import session_scope
from waspada.platform.pdfdoc import qr_png
from waspada.platform.security.models import User
from waspada.screening.labels import citation, country_name, evidence_words, fact_value
from waspada.screening.record import verification_payload


def _decided_pdf(tpi) -> tuple[dict, bytes]:  # type: ignore[no-untyped-def]
    created = _create(tpi, mrz=_mrz("RAHAYU", "SITI", "C1122334", "1999-03-04"),
                      nik="3507014403990004", destination_country="KHM",
                      transit_countries=["MYS", "THA"], ticket="one_way", visa_type="tourist",
                      notes="Catatan: rute Jakarta → Kuala Lumpur → Phnom Penh; agen “Pak Hùng”.",
                      answers={"purpose": "work", "who_paid": "employer_agent",
                               "told_to_lie": "yes", "offer_channel": "social_media"})
    decided = _decide(tpi, created["id"], action="refer_police",
                      legal_bases=["uu_6_2011", "uu_21_2007"],
                      statement="Saya disuruh bilang liburan — kerja di Phnom Penh.")
    pdf = tpi.get(f"/api/v1/screenings/{created['id']}/record.pdf")
    assert pdf.status_code == 200
    return decided, pdf.content


def test_record_pdf_is_in_indonesian_local_time_and_complete(role_clients) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        officer = session.scalar(select(User).where(User.username == "petugas.tpi"))
        officer.nip, officer.rank = "199003152015032001", "Penata Muda Tk. I (III/b)"
        officer.unit.city = "Tangerang"
    decided, content = _decided_pdf(role_clients["checkpoint_officer"])
    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    flat = " ".join(text.split())
    # every character printed as written (no "?" substitutes)
    for written in ("Jakarta → Kuala Lumpur → Phnom Penh", "“Pak Hùng”", "liburan — kerja"):
        assert written in flat
    assert re.findall(r"\?(?! →)", flat) == []  # the only "?" end interview questions
    # answers copied into the travel facts
    assert "Tujuan yang dinyatakan Bekerja" in flat
    assert "Pembayar perjalanan Pemberi kerja / agen / sponsor" in flat
    # the unit's local time with its zone, never UTC
    signed = datetime.fromisoformat(decided["decisions"][0]["signed_at"])
    local = signed.astimezone(ZoneInfo("Asia/Jakarta"))
    assert f"{local:%d-%m-%Y} pukul {local:%H:%M} WIB" in flat
    assert "UTC" not in flat
    # words, not codes
    for word in ("Kamboja", "Malaysia, Thailand", "Sekali jalan", "Visa turis / kunjungan",
                 "Media sosial (Facebook, TikTok, Instagram)"):
        assert word in flat
    for code in ("one_way", "tourist", "KHM", "MYS", "employer_agent", "domain-facts", ".md",
                 "Indonesian government warnings"):
        assert code not in flat
    assert "Imbauan resmi Pemerintah RI" in flat and "ILO dan Komisi Eropa (2009)" in flat
    # officer identity, place of signing, page numbering
    assert "NIP 199003152015032001" in flat and "Penata Muda Tk. I (III/b)" in flat
    assert re.search(r"Tangerang, \d{1,2} \w+ 20\d\d", flat)
    total = len(reader.pages)
    for number, page_text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {total}" in page_text
    # the QR code image holds the verification payload
    payload = verification_payload(decided["record_no"], decided["decisions"][0]["verification_code"])
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    from PIL import Image

    expected = Image.open(io.BytesIO(qr_png(payload))).convert("L")
    embedded = images[0].image.convert("L")
    assert embedded.size == expected.size and embedded.tobytes() == expected.tobytes()


def test_labels_and_citations() -> None:
    assert country_name("KHM") == "Kamboja" and country_name("SAU") == "Arab Saudi"
    assert country_name("ZZZ") == "ZZZ"
    assert fact_value("transit_countries", ["MYS", "THA"]) == "Malaysia, Thailand"
    assert fact_value("who_paid", "family") == "Keluarga"
    assert fact_value("who_paid", "Paman saya") == "Paman saya"
    assert evidence_words("one_way") == "tiket sekali jalan"
    assert evidence_words("traveller.nik_sex_mismatch") == ""
    assert evidence_words("BAP/X/1 (skor kecocokan 0.97; nama exact; NIK agree)") == (
        "BAP/X/1 (skor kecocokan 0,97; nama sama; NIK cocok)")
    assert citation("domain-facts: what officers look at (return ticket)") == (
        "UU No. 6 Tahun 2011 tentang Keimigrasian jo. UU No. 63 Tahun 2024; SE Dirjen Imigrasi "
        "IMI-0277.GR.02.06 Tahun 2017: hal yang diperiksa petugas (tiket kembali)")
    assert "indicators.md" not in citation("Kemlu case figures; government warnings (indicators.md)")
    assert citation("something new") == "something new"  # unknown notes are kept, not dropped
    assert verification_payload("BAP/X/2026/0000001", "AB12", "https://waspada.example/") == (
        "https://waspada.example/verifikasi?no=BAP%2FX%2F2026%2F0000001&kode=AB12")


def test_a_two_line_label_pushes_the_next_row_down() -> None:
    """walk16: "Alasan berbeda dari rekomendasi" took two lines (justified) and "Dasar hukum"
    was printed over its second line."""
    from waspada.platform.pdfdoc import OfficialDocument
    from waspada.screening.pdf import _rows

    pdf = OfficialDocument("BAP/X/1")
    pdf.add_page()
    top = pdf.get_y()
    _rows(pdf, [("Alasan berbeda dari rekomendasi", "Demo: keterangan diperiksa.")])
    assert pdf.get_y() - top >= 10  # two label lines of 5 mm, not one
    pdf2 = OfficialDocument("BAP/X/1")
    pdf2.add_page()
    top = pdf2.get_y()
    _rows(pdf2, [("Keputusan", "Tunda keberangkatan"), ("Dasar hukum", None)])
    assert 10 <= pdf2.get_y() - top < 11  # one line each; an empty value prints "-"


def test_match_outcomes_read_as_indonesian_words() -> None:
    """walk16: the screening page's watchlist candidates read "nama exact; tgl lahir exact;
    NIK agree; paspor agree" in the Indonesian UI."""
    from waspada.matching.explanation_words import render_parts

    parts = [["name", "exact"], ["birth_date", "day_month_swap"], ["nik", "slip"],
             ["passport", "agree"]]
    assert render_parts(parts, "id") == (
        "nama sama; tgl lahir hari dan bulan tertukar; NIK beda satu digit; paspor cocok")
    assert render_parts(parts, "en") == (
        "name same; date of birth day and month swapped; NIK one digit differs; passport agrees")
    assert evidence_words("BAP/X/1 (skor kecocokan 0.90; tgl lahir one_year_shift)") == (
        "BAP/X/1 (skor kecocokan 0,90; tgl lahir selisih 1 tahun)")
    # round 24: the same 1 July / 31 December / 1 January, a registry's unknown day
    assert render_parts([["birth_date", "exact_unknown_day"]], "id") == (
        "tgl lahir sama, tanggal pengganti (1 Jan/1 Jul/31 Des)")


def test_every_outcome_the_engine_gives_has_words_in_both_languages() -> None:
    """The English UI and API read "date of birth exact_unknown_day" (round 24): every name
    level, birth-date relation and identifier outcome of the scorer has words in Indonesian
    and in English, and none of them is a code."""
    from waspada.matching.date_relations import BIRTH_DATE_WEIGHTS
    from waspada.screening.labels import MATCH_WORDS, MATCH_WORDS_EN

    name_levels = {"exact", "variant", "patronym_only", "partial", "weak", "different", "missing"}
    identifiers = {"agree", "disagree", "slip", "same_birth_code", "disagree_same_region"}
    for code in name_levels | set(BIRTH_DATE_WEIGHTS) | identifiers:
        for words in (MATCH_WORDS, MATCH_WORDS_EN):
            assert code in words and "_" not in words[code], code
    assert set(MATCH_WORDS) == set(MATCH_WORDS_EN)


def test_a_screening_without_a_decision_has_no_record_and_says_so(role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk17: GET record.pdf of an open screening answered 404 "The page or record you asked
    for does not exist." although the screening exists; now 409 not_decided. Another unit
    still gets the plain 404, and an unknown decision id too."""
    tpi, paspor = role_clients["checkpoint_officer"], role_clients["passport_officer"]
    created = _create(tpi, full_name="Budi Belum Diputus")
    answer = tpi.get(f"/api/v1/screenings/{created['id']}/record.pdf")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_decided"
    page = tpi.get(f"/screenings/{created['id']}/record.pdf")
    assert page.status_code == 409 and "belum diputuskan" in page.text
    assert paspor.get(f"/api/v1/screenings/{created['id']}/record.pdf").status_code == 404
    unknown = tpi.get(f"/api/v1/screenings/{created['id']}/record.pdf?decision_id=999999")
    assert unknown.status_code == 404


def test_citations_print_no_english_and_no_bracket_twice() -> None:
    """walk task17: the record printed "(katalog indikator dan model teks) (indicator catalogue +
    text model)", "(Kemnaker, Kemlu, KP2MI) (Kemnaker, Kemlu, KP2MI)" and "passport rules"."""
    assert citation("offers engine (indicator catalogue + text model)") == (
        "Analisis tawaran kerja Waspada (katalog indikator dan model teks)")
    assert citation("Indonesian government warnings (Kemnaker, Kemlu, KP2MI)") == (
        "Imbauan resmi Pemerintah RI tentang tawaran kerja di luar negeri (Kemnaker, Kemlu, KP2MI)")
    identity = citation("identity: ICAO 9303 / NIK / passport rules")
    assert identity.endswith(": pemeriksaan MRZ, NIK dan paspor") and "rules" not in identity


def test_sections_are_numbered_without_a_gap_when_there_are_no_notes(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    created = _create(tpi, mrz=_mrz("LESTARI", "DEWI", "C7712345", "2001-03-14"),
                      destination_country="KHM", ticket="one_way",
                      answers={"purpose": "work", "told_to_lie": "yes"})
    _decide(tpi, created["id"], action="refer_police", legal_bases=["uu_21_2007"],
            statement="Saya ditawari kerja admin lewat WhatsApp.")
    content = tpi.get(f"/api/v1/screenings/{created['id']}/record.pdf").content
    flat = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "V. Keterangan yang bersangkutan Saya ditawari" in flat
    assert "VI." not in flat and "Catatan petugas" not in flat


def test_reasons_read_in_english_words_and_citations_too() -> None:
    """The English page showed "KHM — Kemlu case figures; government warnings
    (indicators.md)" and "one_way — domain-facts: ..." (round 25): the English reader gets
    countries, tickets and visas in words and the sources as citations, as the Indonesian."""
    assert evidence_words("KHM, MYS", "en") == "Cambodia, Malaysia"
    assert evidence_words("one_way", "en") == "one way ticket"
    assert evidence_words("tourist", "en") == "Tourist / visit visa"
    assert evidence_words("passport.number.series", "en") == ""
    # stored before the outcomes were written as words
    assert evidence_words("BAP/X/1 (match score 0.97; name exact; NIK agree)", "en") == (
        "BAP/X/1 (match score 0.97; name same; NIK agrees)")
    assert citation("Kemlu case figures; government warnings (indicators.md)", "en") == (
        "Ministry of Foreign Affairs (Kemlu), cases of Indonesian nationals 2024-2025; "
        "Official warnings of the Government of Indonesia on job offers abroad (Kemnaker, "
        "Kemlu, KP2MI)")
    assert citation("domain-facts: what officers look at (return ticket)", "en").endswith(
        "IMI-0277.GR.02.06 of 2017: what officers look at (return ticket)")
    assert citation("identity: ICAO 9303 / NIK / passport rules", "en").startswith(
        "ICAO Doc 9303 (machine-readable travel documents)")
    assert citation("screening BAP/X/1", "en") == "Earlier record BAP/X/1"
    assert citation("offers engine (indicator catalogue + text model)", "en") == (
        "Waspada job-offer analysis (indicator catalogue + text model)")  # not twice
    assert citation("something new", "en") == "something new"
    # every citation has both languages
    from waspada.screening.labels import CITATIONS

    assert all(cited_id and cited_en for _, cited_id, cited_en in CITATIONS)

