"""`POST /api/v1/documents/read` and the photo upload on "Periksa Dokumen"."""

from __future__ import annotations

import base64
import html
import json

from sqlalchemy import select

from tests.conftest import csrf_headers
from tests.docpages import page_bytes
from waspada.identity.mrz import generate_mrz
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

LINES = generate_mrz("TD3", surname="HIDAYAT", given_names="AGUS", document_number="E1357924",
                     birth_date="1988-11-03", sex="M", expiry_date="2032-04-15",
                     issuing_state="IDN", nationality="IDN")


def _last_audit() -> AuditEntry:
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "documents.check")
                                .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        session.expunge(entry)
        return entry


def test_read_api_returns_the_mrz_result_plus_ocr(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["checkpoint_officer"]
    response = client.post("/api/v1/documents/read", headers=csrf_headers(client),
                           files={"file": ("paspor.jpg", page_bytes(LINES, seed=21, fmt="JPEG"),
                                           "image/jpeg")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True and body["document_type"] == "TD3"
    assert body["fields"]["document_number"] == "E1357924"
    assert body["fields"]["surname"] == "HIDAYAT"
    assert {"valid", "document_type", "fields", "findings"} <= set(body)  # the /mrz result
    ocr = body["ocr"]
    assert len(ocr["lines"]) == 2 and len(ocr["confidences"]) == 2
    assert isinstance(ocr["corrections"], list)
    assert base64.b64decode(ocr["crop_png_base64"]).startswith(b"\x89PNG")
    entry = _last_audit()
    assert entry.actor == "petugas.tpi"
    detail = json.dumps(entry.detail) if not isinstance(entry.detail, str) else entry.detail
    assert "image" in detail
    for personal in ("HIDAYAT", "E1357924", "AGUS", "881103"):
        assert personal not in detail


def test_read_api_errors_are_clear_json(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["passport_officer"]
    text = client.post("/api/v1/documents/read", headers=csrf_headers(client),
                       files={"file": ("x.jpg", b"just text, not a photo", "image/jpeg")})
    assert text.status_code == 415
    assert text.json()["error"]["code"] == "image.unsupported"
    assert "not a JPEG, PNG or TIFF" in text.json()["error"]["message"]
    big = client.post("/api/v1/documents/read", headers=csrf_headers(client),
                      files={"file": ("x.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024),
                                      "image/jpeg")})
    assert big.status_code == 413 and big.json()["error"]["code"] == "image.too_large"
    missing = client.post("/api/v1/documents/read", headers=csrf_headers(client))
    assert missing.status_code == 422


def test_read_api_needs_the_documents_role(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["auditor"]
    response = client.post("/api/v1/documents/read", headers=csrf_headers(client),
                           files={"file": ("p.png", page_bytes(LINES, seed=22), "image/png")})
    assert response.status_code == 403


def test_page_upload_fills_the_mrz_and_shows_the_crop(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["passport_officer"]
    page = client.get("/documents")
    assert 'accept="image/*"' in page.text and 'capture="environment"' in page.text
    result = client.post("/documents/read", data={
        "csrf_token": client.cookies["waspada_csrf"], "surname": "HIDAYAT",
        "given_names": "AGUS", "birth_date": "1988-11-04"},
        files={"image": ("paspor.png", page_bytes(LINES, seed=23), "image/png")})
    assert result.status_code == 200
    filled = html.escape(LINES[0]) + "\n" + html.escape(LINES[1])
    assert f">{filled}</textarea>" in result.text  # the MRZ field is filled
    assert 'src="data:image/png;base64,' in result.text
    assert "E1357924" in result.text
    # the typed visual zone is compared with the MRZ read from the image (tamper signal)
    assert "traveller.mrz_mismatch" in result.text


def test_page_upload_errors_are_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    client = role_clients["passport_officer"]
    token = client.cookies["waspada_csrf"]
    bad = client.post("/documents/read", data={"csrf_token": token},
                      files={"image": ("surat.pdf", b"%PDF-1.4 broken", "application/pdf")})
    assert bad.status_code == 400
    assert "Gambar tidak dapat dibuka" in bad.text and "Traceback" not in bad.text
    none = client.post("/documents/read", data={"csrf_token": token},
                       files={"image": ("", b"", "application/octet-stream")})
    assert none.status_code == 400 and "Pilih dulu foto" in none.text
