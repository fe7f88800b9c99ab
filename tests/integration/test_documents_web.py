"""The documents API and the "Periksa Dokumen" page on top of waspada.identity."""

from __future__ import annotations

from sqlalchemy import select

from waspada.identity.mrz import generate_mrz
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def test_mrz_api_parses_the_icao_specimen(role_clients) -> None:  # type: ignore[no-untyped-def]
    response = role_clients["checkpoint_officer"].post(
        "/api/v1/documents/mrz", json={"lines": TD3})
    body = response.json()
    assert response.status_code == 200
    assert body["valid"] is True and body["document_type"] == "TD3"
    assert body["fields"]["document_number"] == "L898902C3"
    assert body["fields"]["birth_date"] == "1974-08-12"


def test_mrz_api_reports_a_broken_check_digit(role_clients) -> None:  # type: ignore[no-untyped-def]
    broken = [TD3[0], TD3[1][:9] + "7" + TD3[1][10:]]
    body = role_clients["passport_officer"].post("/api/v1/documents/mrz",
                                                 json={"lines": broken, "lang": "id"}).json()
    assert body["valid"] is False
    codes = {f["code"] for f in body["findings"]}
    assert "mrz.check_digit.document_number" in codes


def test_nik_and_traveller_check(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    nik = client.post("/api/v1/documents/nik", json={"nik": "3507015708900001"}).json()
    assert nik["valid"] and nik["sex"] == "F" and nik["birth_date"] == "1990-08-17"
    assert "Malang" in nik["regency"]
    lines = generate_mrz(document_type="TD3", issuing_state="IDN", surname="RAHAYU",
                         given_names="SITI", document_number="C1234567", nationality="IDN",
                         birth_date="1990-08-17", sex="F", expiry_date="2030-01-01")
    ok = client.post("/api/v1/documents/check", json={
        "nik": "3507015708900001", "mrz": lines, "travel_date": "2026-12-01"}).json()
    assert ok["valid"] is True
    mismatch = client.post("/api/v1/documents/check", json={
        "nik": "3507011708900001", "mrz": lines}).json()
    assert "traveller.nik_sex_mismatch" in {f["code"] for f in mismatch["findings"]}


def test_bad_input_is_a_clear_error(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    garbage = client.post("/api/v1/documents/mrz", json={"lines": ["\x01\xff" * 1000]})
    assert garbage.status_code == 200 and garbage.json()["valid"] is False
    # a NUL character is refused before any route (round 18): no text field may hold one
    nul = client.post("/api/v1/documents/mrz", json={"lines": ["\x00\xff" * 1000]})
    assert nul.status_code == 400 and nul.json()["error"]["code"] == "invalid_value"
    unknown = client.post("/api/v1/documents/check", json={"favourite_colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_request"


def test_documents_page_shows_findings_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["passport_officer"]
    page = client.get("/documents")
    assert page.status_code == 200 and "Periksa Dokumen" in page.text
    broken = TD3[0] + "\n" + TD3[1][:9] + "7" + TD3[1][10:]
    result = client.post("/documents", data={"mrz": broken, "nik": "3507015708900001",
                                              "csrf_token": client.cookies["waspada_csrf"]})
    assert result.status_code == 200
    assert "Ditemukan masalah kritis" in result.text
    assert "mrz.check_digit.document_number" in result.text
    assert "Kab. Malang" in result.text


def test_document_checks_are_audited_without_data(role_clients) -> None:  # type: ignore[no-untyped-def]
    role_clients["checkpoint_officer"].post("/api/v1/documents/nik",
                                            json={"nik": "3507015708900999"})
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "documents.check")
                                .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.actor == "petugas.tpi"
        assert "3507015708900999" not in entry.detail


def test_documents_page_reshows_an_over_long_field(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["passport_officer"]
    client.get("/documents")
    page = client.post("/documents", data={"nik": "3" * 101, "surname": "HARAHAP",
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert page.status_code == 400 and "NIK terlalu panjang: paling banyak 100" in page.text
    assert 'value="HARAHAP"' in page.text


def test_documents_page_reads_codes_and_dates_as_words(role_clients) -> None:  # type: ignore[no-untyped-def]
    """walk16: the Indonesian page showed severities "critical"/"warning"/"info", the MRZ's sex
    as "F" and its dates as 1974-08-12; the NIK block likewise."""
    import re

    client = role_clients["checkpoint_officer"]
    client.get("/documents")
    page = client.post("/documents", data={"mrz": "\n".join(TD3), "nik": "3507015708900001",
                                            "csrf_token": client.cookies["waspada_csrf"]})
    assert page.status_code == 200
    tags = re.findall(r'<span class="tag">([^<]*)</span>', page.text)
    assert tags and set(tags) <= {"Kritis", "Peringatan", "Info"}, tags
    mrz = page.text.split('id="mrz-fields"', 1)[1].split("</dl>", 1)[0]
    assert "12-08-1974" in mrz and "15-04-2012" in mrz and "1974-08-12" not in mrz
    assert "<dd>Perempuan</dd>" in mrz
    nik = page.text.split('id="nik-fields"', 1)[1].split("</dl>", 1)[0]
    assert "17-08-1990" in nik and "<dd>Perempuan</dd>" in nik


def test_english_findings_write_days_as_the_page_does_and_no_codes(role_clients) -> None:  # type: ignore[no-untyped-def]
    """Round 25's English walk: "Birth date in the NIK (1996-03-04) differs from the passport
    (1974-08-12)" and each finding ended with its code (`traveller.nik_birth_date_mismatch`);
    the English page now writes days as it does elsewhere (12-08-1974), the code only as the
    finding's tooltip. The API keeps ISO days (clients parse them)."""
    import re

    from bs4 import BeautifulSoup

    client = role_clients["checkpoint_officer"]
    client.get("/lang/en?next=/documents")
    try:
        page = client.post("/documents", data={"mrz": "\n".join(TD3), "nik": "3507015708900001",
                                                "csrf_token": client.cookies["waspada_csrf"]})
    finally:  # the shared client goes back to Indonesian
        client.get("/lang/id?next=/documents")
    assert page.status_code == 200 and "Findings" in page.text
    items = BeautifulSoup(page.text, "html.parser").select("ul.findings li")
    assert items
    for item in items:
        text = item.get_text(" ")
        assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", text), text
        assert item["title"] not in text and "." in item["title"]
    assert any("12-08-1974" in i.get_text() for i in items)
