"""A readable audit trail (issue #16): every policy and audit action has a readable name, an
entry's object shows its own number (WSP-, BAP-) linked to its page, filters and paging work,
the CSV export is audited, and "Verifikasi rantai" runs the chain check and shows the result."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import csrf_headers
from tests.jobs_helpers import finish_jobs, job_id_of
from tests.platform.test_i18n_and_demo import SAME_IN_INDONESIAN
from waspada.platform import audit, audit_trail
from waspada.platform.action_labels import AUDIT_LABELS, OBJECT_LABELS, POLICY_LABELS
from waspada.platform.db import session_scope
from waspada.platform.i18n import translate
from waspada.platform.security.policy import POLICY

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"
RECORDED = re.compile(r"""(?:audit\.record|_written)\(\s*(?:db,\s*principal,\s*)?["']([a-z_.]+)["']""")


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    found.update({"user.enable", "user.disable", audit.ANCHOR_ACTION})  # chosen at run time
    return found


def test_every_action_has_a_readable_indonesian_name() -> None:
    assert set(POLICY) <= set(POLICY_LABELS), set(POLICY) - set(POLICY_LABELS)
    recorded = _recorded_actions()
    assert len(recorded) > 50
    assert recorded <= set(AUDIT_LABELS), sorted(recorded - set(AUDIT_LABELS))
    object_types: set[str] = set()
    for path in SRC.rglob("*.py"):
        object_types.update(re.findall(r'object_type="([a-z_]+)"', path.read_text("utf-8")))
    assert object_types <= set(OBJECT_LABELS), sorted(object_types - set(OBJECT_LABELS))
    for label in [*POLICY_LABELS.values(), *AUDIT_LABELS.values(), *OBJECT_LABELS.values()]:
        assert translate(label, "id") != label or label in SAME_IN_INDONESIAN, label


def _case_viewed(role_clients: dict[str, TestClient]) -> tuple[int, str]:
    from waspada.cases.models import Case

    with session_scope() as session:
        case_id, reference = session.execute(
            select(Case.id, Case.reference).where(Case.reference.like("WSP-%"))
            .order_by(Case.id).limit(1)).one()
    assert role_clients["protection_officer"].get(f"/cases/{case_id}").status_code == 200
    return case_id, reference


def test_entries_read_as_words_with_object_numbers_linked(
        role_clients: dict[str, TestClient]) -> None:
    case_id, reference = _case_viewed(role_clients)
    auditor = role_clients["auditor"]
    page = auditor.get("/audit", params={"object_type": "case", "object_id": str(case_id)})
    assert page.status_code == 200
    assert "Kasus dibaca" in page.text  # case.view, in Indonesian
    assert f'<a href="/cases/{case_id}">{reference}</a>' in page.text
    screening = auditor.get("/audit", params={"object_type": "screening", "object_id": "1"})
    assert re.search(r'<a href="/screenings/1">BAPP?/[^<]+</a>', screening.text)


def test_filters_and_paging(role_clients: dict[str, TestClient]) -> None:
    case_id, _reference = _case_viewed(role_clients)
    for _ in range(55):  # more than one page (50) of entries
        role_clients["protection_officer"].get(f"/cases/{case_id}")
    auditor = role_clients["auditor"]
    only = auditor.get("/audit", params={"action": "case.view", "actor": "pelindungan"})
    cells = re.findall(r'<td class="action" title="([a-z_.]+)">', only.text)
    assert cells and set(cells) == {"case.view"}
    assert '<option value="case.view" selected>' in only.text
    future = auditor.get("/audit", params={"day_from": "2099-01-01"})
    assert "0 entri" in future.text
    first = auditor.get("/audit")
    assert 'rel="next"' in first.text
    second = auditor.get("/audit", params={"page": "2"})
    seqs_1 = re.findall(r"<tr>\s*<td>(\d+)</td>", first.text)
    seqs_2 = re.findall(r"<tr>\s*<td>(\d+)</td>", second.text)
    # each read adds its own audit.read entry, so page 2 starts where page 1 ended
    assert seqs_1 and seqs_2 and int(seqs_2[0]) <= int(seqs_1[-1])
    bad = auditor.get("/audit", params={"actor": "x" * 65})
    assert bad.status_code == 422


def test_csv_export_is_readable_and_audited(role_clients: dict[str, TestClient]) -> None:
    case_id, reference = _case_viewed(role_clients)
    auditor = role_clients["auditor"]
    auditor.get("/audit")
    started = auditor.post("/audit/export", data={
        "action": "case.view", "object_id": str(case_id),
        "csrf_token": auditor.cookies.get("waspada_csrf")}, follow_redirects=False)
    job_id = job_id_of(started)  # the export runs as a background job
    finish_jobs()
    response = auditor.get(f"/jobs/{job_id}/audit.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert f"job-{job_id}-audit.csv" in response.headers["content-disposition"]
    assert role_clients["checkpoint_officer"].get(f"/jobs/{job_id}/audit.csv").status_code == 404
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # r25: the columns are titled in words, in the reader's language (the action's code too)
    def col(title: str) -> str:
        return translate(title, "id")

    assert rows and {r[col("Action")] for r in rows} == {"Kasus dibaca"}
    assert {r[col("Action code")] for r in rows} == {"case.view"}
    assert {r[col("Object")] for r in rows} == {reference}
    assert rows[0][col("Time")].endswith(("WIB", "WITA", "WIT"))
    assert re.match(r"\d{2}-\d{2}-\d{4} ", rows[0][col("Time")])
    with session_scope() as session:
        entry = session.scalar(select(audit.AuditEntry)
                               .where(audit.AuditEntry.action == "audit.export")
                               .order_by(audit.AuditEntry.seq.desc()).limit(1))
        assert entry is not None and entry.actor == "auditor"
        assert f'"count": {len(rows)}' in entry.detail and "case.view" in entry.detail


def test_verify_chain_button_shows_the_result_and_is_audited(
        role_clients: dict[str, TestClient]) -> None:
    auditor = role_clients["auditor"]
    assert 'id="verify-chain"' in auditor.get("/audit").text
    ok = auditor.post("/audit/verify", headers=csrf_headers(auditor))
    assert ok.status_code == 200 and "Rantai utuh." in ok.text
    with session_scope() as session:
        victim = session.scalar(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)
                                .offset(5).limit(1))
        assert victim is not None
        original, seq = victim.detail, victim.seq
        victim.detail = original.replace("}", ', "edited": true}') if original != "{}" \
            else '{"edited": true}'
    try:
        broken = auditor.post("/audit/verify", headers=csrf_headers(auditor))
        assert "Rantai rusak." in broken.text and f"#{seq}" in broken.text
    finally:
        with session_scope() as session:
            row = session.scalar(select(audit.AuditEntry).where(audit.AuditEntry.seq == seq))
            assert row is not None
            row.detail = original
    with session_scope() as session:
        checks = list(session.scalars(select(audit.AuditEntry.outcome)
                                      .where(audit.AuditEntry.action == "audit.verify")
                                      .order_by(audit.AuditEntry.seq.desc()).limit(2)))
    assert checks == ["refused", "ok"]
    assert "Rantai utuh." in auditor.post("/audit/verify", headers=csrf_headers(auditor)).text


def test_details_read_as_words(role_clients: dict[str, TestClient]) -> None:
    """walk16: the Rincian column read "correction=False, decided_action=secondary_interview,
    level=medium" on the Indonesian page; the stored JSON (and the export) keep the codes."""
    auditor = role_clients["auditor"]
    page = auditor.get("/audit", params={"action": "screening.decide"}).text
    details = re.findall(r'<td class="muted">([^<]*)</td>', page)
    assert any("tindakan yang diputuskan=" in d for d in details), details[:5]
    joined = " ".join(details)
    for raw in ("decided_action=", "correction=False", "correction=True", "=secondary_interview",
                "=postpone", "=refer_police"):
        assert raw not in joined, raw
    assert "koreksi=tidak" in joined
    created = auditor.get("/audit", params={"action": "screening.create"}).text
    levels = " ".join(re.findall(r'<td class="muted">([^<]*)</td>', created))
    assert "tingkat=" in levels and "level=" not in levels
    assert not re.search(r"tingkat=(low|medium|high)\b", levels)


def test_a_statistics_indicator_reads_as_its_name(role_clients: dict[str, TestClient]) -> None:
    """left18: Jejak Audit showed "indikator=offer_reports_high"; the page names the indicator
    in Indonesian, the stored detail (and so the CSV export) keeps its id."""
    assert role_clients["analyst"].get(
        "/statistics", params={"indicator": "offer_reports_high"}).status_code == 200
    auditor = role_clients["auditor"]
    page = auditor.get("/audit", params={"action": "stats.view"}).text
    details = " ".join(re.findall(r'<td class="muted">([^<]*)</td>', page))
    assert "indikator=Laporan tawaran kerja berisiko tinggi" in details, details[:300]
    assert "=offer_reports_high" not in details
    # an id no catalogue knows stays visible as it is
    entry = audit.AuditEntry(detail='{"indicator": "no_such_indicator"}')
    assert dict(audit_trail.detail_words(entry, "id"))["indikator"] == "no_such_indicator"
    with session_scope() as session:  # the stored detail (the CSV export's column) keeps the id
        stored = session.scalar(select(audit.AuditEntry.detail)
                                .where(audit.AuditEntry.action == "stats.view")
                                .order_by(audit.AuditEntry.seq.desc()).limit(1))
    assert stored is not None and '"indicator": "offer_reports_high"' in stored


def test_exchange_and_network_details_read_as_words() -> None:
    """walk19: round two's entries read "partner=demo-dinsos-jatim, purpose=services,
    basis=override, jenis=referral" and "tautan={'case': 631, ...}" on the Indonesian page."""
    sent = audit.AuditEntry(detail='{"partner": "demo-dinsos-jatim", "purpose": "services", '
                                   '"basis": "override", "kind": "referral", "version": 1}')
    assert dict(audit_trail.detail_words(sent, "id")) == {
        "mitra": "demo-dinsos-jatim", "tujuan": "rujukan layanan",
        "dasar": "dasar hukum tanpa persetujuan", "jenis": "Rujukan kasus", "versi": "1"}
    consent = audit.AuditEntry(detail='{"given": true, "method": "verbal", "consent_id": 3}')
    assert dict(audit_trail.detail_words(consent, "id")) == {
        "jawaban korban": "ya", "metode": "lisan", "persetujuan": "3"}
    counts = audit.AuditEntry(detail='{"links": {"case": 631, "screening": 14}, '
                                     '"count": {"open": 0, "unsure": 2}}')
    assert dict(audit_trail.detail_words(counts, "id")) == {
        "tautan": "kasus 631, pemeriksaan 14", "jumlah": "terbuka 0, ragu 2"}
    # an HTTP method and an unknown code stay as they are
    other = audit.AuditEntry(detail='{"method": "GET", "status": "no_such_status"}')
    assert dict(audit_trail.detail_words(other, "id")) == {
        "metode": "GET", "status": "no_such_status"}


def test_a_refused_network_lookup_and_round_two_objects_on_the_audit_page(
        role_clients: dict[str, TestClient]) -> None:
    """walk19: a checkpoint officer's '#12' look-up showed the outcome 'number_lookup'; the
    object filter offered no exchange, verification or network object."""
    officer = role_clients["checkpoint_officer"]
    assert officer.get("/network", params={"q": "#1"}).status_code in (400, 403, 422)
    page = role_clients["auditor"].get(
        "/audit", params={"action": "network.lookup", "object_type": "network_entity"}).text
    assert "ditolak: pencarian menurut nomor hanya untuk analis" in page
    assert "number_lookup" not in page
    form = page.split('<select name="object_type">', 1)[1].split("</select>", 1)[0]
    for word in ("Paket keluar", "Mitra pertukaran", "Permintaan verifikasi", "Entitas jaringan"):
        assert word in form, word
