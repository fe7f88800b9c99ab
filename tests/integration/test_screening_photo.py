"""The screening start form reads a passport photo (issue #14): fields filled, crop shown,
nothing stored before the officer starts the screening, the image never logged."""

from __future__ import annotations

import html
import json
import logging

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_headers
from tests.docpages import page_bytes
from waspada.identity.mrz import generate_mrz, parse_mrz
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.screening.service import start_fields
from waspada.screening.store import Screening

LINES = generate_mrz("TD3", surname="LESTARI", given_names="DEWI AYU",
                     document_number="X2468013", birth_date="1996-02-29", sex="F",
                     expiry_date="2033-07-01", issuing_state="IDN", nationality="IDN")


def _count_screenings() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Screening)) or 0


def _last_check() -> AuditEntry:
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "documents.check")
                                .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        session.expunge(entry)
        return entry


def test_start_fields_come_from_the_mrz() -> None:
    values = start_fields(parse_mrz(LINES))
    assert values == {"mrz": "\n".join(LINES), "full_name": "DEWI AYU LESTARI",
                      "passport_no": "X2468013", "nationality": "IDN",
                      "birth_date": "1996-02-29", "sex": "F", "expiry_date": "2033-07-01"}
    assert start_fields(parse_mrz(["NOT AN MRZ"])) == {}


def test_photo_fills_the_start_form_and_stores_nothing(role_clients, caplog) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    home = client.get("/screenings")
    assert 'capture="environment"' in home.text and 'formaction="/screenings/read"' in home.text
    before = _count_screenings()
    with caplog.at_level(logging.DEBUG):
        result = client.post("/screenings/read", data={
            "csrf_token": client.cookies["waspada_csrf"], "destination_country": "KHM",
            "full_name": "", "nik": "3507016902960001"},
            files={"image": ("paspor.jpg", page_bytes(LINES, seed=41, fmt="JPEG"),
                             "image/jpeg")})
    assert result.status_code == 200, result.text[-2000:]
    text = result.text
    filled = html.escape(LINES[0]) + "\n" + html.escape(LINES[1])
    assert f">{filled}</textarea>" in text
    for name, value in (("full_name", "DEWI AYU LESTARI"), ("passport_no", "X2468013"),
                        ("nationality", "IDN"), ("birth_date", "1996-02-29"),
                        ("expiry_date", "2033-07-01"), ("nik", "3507016902960001")):
        assert f'name="{name}" value="{value}"' in text, name
    assert 'name="destination_country" list="countries" value="KHM"' in text
    assert '<option value="F" selected>' in text
    assert 'id="mrz-crop"' in text and 'src="data:image/png;base64,' in text
    assert _count_screenings() == before  # nothing stored until the officer starts it
    entry = _last_check()
    detail = entry.detail if isinstance(entry.detail, str) else json.dumps(entry.detail)
    assert "screening_image" in detail
    for personal in ("LESTARI", "X2468013", "960229"):
        assert personal not in detail
        assert personal not in caplog.text  # the image and its text are never logged


def test_a_typed_field_is_kept_and_the_difference_shown(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    result = client.post("/screenings/read", data={
        "csrf_token": client.cookies["waspada_csrf"], "passport_no": "X2468018"},
        files={"image": ("paspor.png", page_bytes(LINES, seed=42), "image/png")})
    assert result.status_code == 200
    assert 'name="passport_no" value="X2468018"' in result.text
    assert 'id="photo-differs"' in result.text and "X2468013" in result.text


def test_the_filled_form_starts_a_screening_with_the_mrz(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    values = start_fields(parse_mrz(LINES))
    response = client.post("/screenings", data={
        "csrf_token": client.cookies["waspada_csrf"], "kind": "departure",
        "destination_country": "KHM", **values}, follow_redirects=False)
    assert response.status_code == 303, response.text[-1500:]
    screening_id = int(response.headers["location"].rsplit("/", 1)[1])
    data = client.get(f"/api/v1/screenings/{screening_id}", headers=csrf_headers(client)).json()
    codes = {f["code"] for f in data["documents"]}
    assert not {"traveller.mrz_mismatch"} & codes, codes


def test_a_typed_expiry_or_nationality_unlike_the_mrz_is_a_finding(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    values = {**start_fields(parse_mrz(LINES)), "expiry_date": "2034-07-01",
              "nationality": "MYS"}
    response = client.post("/screenings", data={
        "csrf_token": client.cookies["waspada_csrf"], "kind": "departure",
        "destination_country": "KHM", **values}, follow_redirects=False)
    assert response.status_code == 303
    screening_id = int(response.headers["location"].rsplit("/", 1)[1])
    data = client.get(f"/api/v1/screenings/{screening_id}", headers=csrf_headers(client)).json()
    mismatches = {f["message_en"] for f in data["documents"]
                  if f["code"] == "traveller.mrz_mismatch"}
    assert any("expiry_date" in m for m in mismatches), mismatches
    assert any("nationality" in m for m in mismatches), mismatches


@pytest.mark.parametrize("payload, status, words", [
    ((b"bukan foto", "catatan.jpg", "image/jpeg"), 415, "bukan gambar JPEG, PNG atau TIFF"),
    ((b"", "", "application/octet-stream"), 400, "Pilih dulu foto"),
])
def test_photo_errors_reshow_the_form_in_indonesian(role_clients, payload, status, words) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    data, name, kind = payload
    result = client.post("/screenings/read", data={
        "csrf_token": client.cookies["waspada_csrf"], "destination_country": "THA"},
        files={"image": (name, data, kind)})
    assert result.status_code == status
    assert 'id="read-error"' in result.text and words in result.text
    assert 'name="destination_country" list="countries" value="THA"' in result.text
    assert "Traceback" not in result.text
