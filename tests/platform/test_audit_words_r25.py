"""r25 audit (English walk-through): the audit page's details and actors, the audit export job
and the screening export job read in words, in the reader's language.

* ``/audit`` Details read "item_id=1535, transition=exit", "kind=screening.export, rows=77,
  section=screenings", "file format=contacts_csv", "day_from=2026-11-02" (EN+ID);
* the Actor column read "jobs-worker (web)", "partner:demo-kbri-phnom-penh (file)", "cli
  (command line)";
* an audit export job's rows read "offers.report.create · Lowongan kerja dilaporkan masyarakat
  · offer_report · selesai · {"level": "high"}" on the English job page;
* a screening export job's page and CSV named destinations "JPN", "MMR", "KHM", its summary
  "77 screenings from 2026-11-02 to 2026-12-02." and its rows "2026-11-02 18:26 WIB" beside a
  UTC column."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from tests.jobs_helpers import finish_jobs, job_id_of
from waspada.platform import audit
from waspada.platform.action_labels import actor_label
from waspada.platform.audit_trail import detail_words
from waspada.platform.guard import LANG_COOKIE


@contextmanager
def reading_in(client: TestClient, lang: str) -> Iterator[TestClient]:
    """The (session-wide) client reads pages in ``lang`` for a while."""
    before = client.cookies.get(LANG_COOKIE)
    client.cookies.set(LANG_COOKIE, lang)
    try:
        yield client
    finally:
        client.cookies.delete(LANG_COOKIE)
        if before:
            client.cookies.set(LANG_COOKIE, before)


def _words(detail: str, object_type: str, lang: str) -> dict[str, str]:
    import waspada.cases.workflow  # noqa: F401  (registers the case steps' words)

    return dict(detail_words(audit.AuditEntry(detail=detail, object_type=object_type), lang))


@pytest.mark.parametrize(("detail", "object_type", "en", "id_"), [
    ('{"item_id": 1535, "transition": "exit"}', "case",
     {"item": "1535", "step": "Victim rescued / exited"},
     {"butir": "1535", "langkah": "Korban diselamatkan / keluar"}),
    ('{"fields": ["deceased", "mailing_city", "mailing_state"], "item_id": 6}', "case",
     {"fields": "Deceased, Mailing city, Mailing province", "item": "6"},
     {"isian": "Meninggal dunia, Kota (alamat surat), Provinsi (alamat surat)", "butir": "6"}),
    ('{"kind": "screening.export", "rows": 77, "section": "screenings"}', "job",
     {"kind": "Screening export", "rows": "77", "section": "Screenings"},
     {"jenis": "Ekspor pemeriksaan", "baris": "77", "bagian": "Pemeriksaan"}),
    ('{"document": "referral_letter"}', "case", {"document": "referral letter"},
     {"dokumen": "surat rujukan"}),
    ('{"status": "pending"}', "case", {"status": "Awaiting answer"},
     {"status": "Menunggu jawaban"}),
    ('{"consent_override": false}', "case", {"without the victim's consent": "no"},
     {"tanpa persetujuan korban": "tidak"}),
    ('{"scope": "referral"}', "case", {"access": "referral"}, {"akses": "rujukan"}),
    ('{"origin": "upload", "review_pairs": 9}', "dedupe_run",
     {"records from": "an uploaded file", "pairs to review": "9"},
     {"data dari": "berkas yang diunggah", "pasangan untuk ditinjau": "9"}),
    ('{"day_from": "2026-11-02"}', "screening", {"from": "02-11-2026"},
     {"dari": "02-11-2026"}),
    ('{"checked": 424, "first_bad_seq": null, "head_seq": 424}', "audit",
     {"entries checked": "424", "first bad entry": "-", "newest entry": "424"},
     {"entri yang diperiksa": "424", "entri rusak pertama": "-", "entri terbaru": "424"}),
    ('{"format": "contacts_csv"}', "offer_scan", {"file format": "contacts file (CSV)"},
     {"format berkas": "berkas kontak (CSV)"}),
])
def test_the_walk_throughs_details_read_as_words(detail: str, object_type: str,
                                                 en: dict[str, str], id_: dict[str, str]) -> None:
    assert _words(detail, object_type, "en") == en
    assert _words(detail, object_type, "id") == id_


def test_system_actors_in_words() -> None:
    assert actor_label("jobs-worker", "web", None, "en") == ("background jobs", "")
    assert actor_label("partner:demo-kbri-phnom-penh", "file", None, "en") == (
        "partner demo-kbri-phnom-penh", "file")
    assert actor_label("cli", "cli", None, "en") == ("command line", "")
    assert actor_label("partner:demo-kbri-phnom-penh", "file", None, "id") == (
        "mitra demo-kbri-phnom-penh", "berkas")
    # a person is named as they are, even one called "demo" or a failed sign-in as "system"
    assert actor_label("demo", "session", 7, "en") == ("demo", "browser")
    assert actor_label("system", "session", None, "en") == ("system", "browser")


def test_the_audit_page_names_system_actors(role_clients: dict[str, TestClient]) -> None:
    audit.record("jobs.purge", None, actor="jobs-worker", object_type="job", count=0)
    audit.record("exchange.receive", None, actor="partner:demo-r25-partner", via="file",
                 object_type="exchange_inbox")
    with reading_in(role_clients["auditor"], "en") as auditor:
        workers = html.unescape(auditor.get("/audit", params={"actor": "jobs-worker"}).text)
        partner = html.unescape(auditor.get(
            "/audit", params={"actor": "partner:demo-r25-partner"}).text)
    assert ">background jobs</a>" in workers and "(web)" not in workers
    assert ">partner demo-r25-partner</a> <span class=\"muted\">(file)</span>" in partner


def _export(client: TestClient, **filters: str) -> int:
    started = client.post("/audit/export", data={
        **filters, "csrf_token": client.cookies.get("waspada_csrf")}, follow_redirects=False)
    job_id = job_id_of(started)
    finish_jobs()
    return job_id


def test_the_audit_export_job_reads_in_the_readers_language(
        role_clients: dict[str, TestClient]) -> None:
    audit.record("offers.report.create", None, actor="public", object_type="offer_report",
                 object_id=987654, level="high")
    auditor = role_clients["auditor"]
    job_id = _export(auditor, action="offers.report.create", object_id="987654")
    with reading_in(auditor, "en"):
        page = html.unescape(auditor.get(f"/jobs/{job_id}").text)
        rows = list(csv.DictReader(io.StringIO(auditor.get(f"/jobs/{job_id}/audit.csv").text)))
    table = page[page.index('id="results"'):]
    assert "Job offer reported by the public" in table, table[:800]
    assert "Lowongan kerja dilaporkan" not in table and "selesai" not in table
    assert "level=High" in table and '{"level"' not in table
    assert "offers.report.create" not in table  # the code is in the downloads only
    assert not re.search(r"\d{4}-\d{2}-\d{2}", table)  # no ISO time on the page
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2} WIB", table)
    (row,) = rows
    assert row["Action code"] == "offers.report.create" and row["Outcome"] == "done"
    assert row["Details"] == "level=High" and row["Object type"] == "Offer report"
    assert row["Time (UTC, ISO 8601)"].startswith("20")
    assert row["Details as stored (JSON)"] == '{"level": "high"}'
    # the same job read in Indonesian
    page_id = html.unescape(auditor.get(f"/jobs/{job_id}").text)
    assert "tingkat=Tinggi" in page_id and "selesai" in page_id


def test_the_screening_export_names_countries_and_writes_days_as_pages_do(
        role_clients: dict[str, TestClient]) -> None:
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={"full_name": "Negara Tujuan R25",
                                                   "destination_country": "JPN"})
    assert created.status_code == 201
    started = tpi.post("/screenings/export", data={
        "format": "csv", "csrf_token": tpi.cookies.get("waspada_csrf")}, follow_redirects=False)
    job_id = job_id_of(started)
    finish_jobs()
    with reading_in(tpi, "en"):  # the newest row is on the last page (the page number is capped)
        page = html.unescape(tpi.get(f"/jobs/{job_id}?page=9999").text)
        exported = tpi.get(f"/jobs/{job_id}/screenings.csv").text
    summary = re.search(r'id="job-summary"><li>([^<]*)</li>', page)
    assert summary and re.fullmatch(
        r"[\d,]+ screenings from \d{2}-\d{2}-\d{4} to \d{2}-\d{2}-\d{4}\.", summary.group(1))
    table = page[page.index('id="results"'):]
    row = next(r for r in table.split("<tr>") if "Negara Tujuan R25" in r)
    assert "<td>Japan</td>" in row and "JPN" not in row
    assert "Time (UTC)" not in table and re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2} WI", row)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", row)
    line = next(r for r in csv.DictReader(io.StringIO(exported))
                if r["Full name"] == "Negara Tujuan R25")
    assert line["Destination country"] == "Japan" and line["Time (UTC)"]
    # Indonesian
    page_id = html.unescape(tpi.get(f"/jobs/{job_id}?page=9999").text)
    row_id = next(r for r in page_id.split("<tr>") if "Negara Tujuan R25" in r)
    assert "<td>Jepang</td>" in row_id
