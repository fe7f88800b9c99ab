"""Issue #16, printing: the case summary and referral letter as PDF to the Berita Acara
standard — every character printable (no "?"), local time with its zone, words not codes, page
numbers, the officer's identity, a QR code holding the verification code, and an audit entry."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from tests.cases.conftest import create_case
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

REFER = {"organisation": "DINSOS", "reason": "AdditionalServicesRequired",
         "details": "Pendampingan psikososial → rumah aman di Medan"}


def _keep(name: str, content: bytes) -> None:
    """WASPADA_KEEP_PDF=<dir> keeps the PDFs (docs/img/*.png are rendered from them)."""
    folder = os.environ.get("WASPADA_KEEP_PDF")
    if folder:
        (Path(folder) / name).write_bytes(content)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _case(protection) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cid = create_case(protection, name="Siti Ñurhaliza Ökta")["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    assert protection.post(f"/api/v1/cases/{cid}/referrals", json=REFER).status_code == 201
    rid = protection.get(f"/api/v1/cases/{cid}").json()["referrals"][-1]["id"]
    return cid, rid


def _audited(cid: int, document: str) -> str:
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "case.print", AuditEntry.object_id == str(cid))
            .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and f'"document": "{document}"' in entry.detail
        return entry.detail


def test_case_summary_pdf(protection) -> None:  # type: ignore[no-untyped-def]
    cid, _rid = _case(protection)
    page = protection.get(f"/cases/{cid}")
    assert f'href="/cases/{cid}/ringkasan.pdf"' in page.text
    response = protection.get(f"/cases/{cid}/ringkasan.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = _text(response.content)
    _keep("ringkasan.pdf", response.content)
    assert "RINGKASAN KASUS" in text and "Siti Ñurhaliza Ökta" in text
    assert "?" not in text.replace("?", "") and "\ufffd" not in text
    assert "Kamboja" in text and "Kejahatan paksa" in text and "Dinas Sosial" in text
    for code in ("ForcedCriminality", "DINSOS", "pending", "OnlineScam", "Feminine"):
        assert code not in text, code
    assert re.search(r"\d\d:\d\d (WIB|WITA|WIT|UTC[+-]\d\d:\d\d)", text), text[:500]
    assert "Halaman 1 dari" in text and "NIP" in text
    code = re.search(r"Kode verifikasi: ([0-9A-F]{16})", text).group(1)
    assert code in _audited(cid, "summary")


def test_referral_letter_pdf(protection) -> None:  # type: ignore[no-untyped-def]
    cid, rid = _case(protection)
    page = protection.get(f"/cases/{cid}")
    assert f"/cases/{cid}/referrals/{rid}/surat.pdf" in page.text
    response = protection.get(f"/cases/{cid}/referrals/{rid}/surat.pdf")
    assert response.status_code == 200
    text = _text(response.content)
    _keep("surat.pdf", response.content)
    assert "SURAT RUJUKAN" in text and "Dinas Sosial / Kemensos" in text
    assert "Pendampingan psikososial → rumah aman" in text
    assert "Perlu layanan tambahan" in text and "setuju untuk dirujuk" in text
    assert "AdditionalServicesRequired" not in text
    code = re.search(r"Kode verifikasi: ([0-9A-F]{16})", text).group(1)
    assert code in _audited(cid, "referral_letter")
    # another case's referral is not printed through this case
    other, _ = _case(protection)
    assert protection.get(f"/cases/{other}/referrals/{rid}/surat.pdf").status_code == 404


def test_referral_letter_to_an_added_organisation_names_it(protection) -> None:  # type: ignore[no-untyped-def]
    """walk17: a letter to an organisation an administrator added (not in organisations.yaml)
    was addressed "Kepada Yth. LSM_DEMO", its code; the summary listed "Rujukan kepada
    LSM_DEMO"."""
    cid = create_case(protection, name="Rina Contoh")["id"]
    protection.post(f"/api/v1/cases/{cid}/consents", json={"scope": "referral", "given": True})
    response = protection.post(f"/api/v1/cases/{cid}/referrals",
                               json={**REFER, "organisation": "LSM_DEMO"})
    assert response.status_code == 201, response.text
    rid = protection.get(f"/api/v1/cases/{cid}").json()["referrals"][-1]["id"]
    letter = _text(protection.get(f"/cases/{cid}/referrals/{rid}/surat.pdf").content)
    summary = _text(protection.get(f"/cases/{cid}/ringkasan.pdf").content)
    for text in (letter, summary):
        assert "LSM Pendamping Sintetis (demo)" in " ".join(text.split())  # wrapped lines
        assert "LSM_DEMO" not in text
