"""Defect 9 of issue #16: the bulk offer scan runs as a background job — a bad file is a clear
Indonesian error (never a 500), every record is kept (no silent 500-row cap: counted, paged,
downloadable), progress is reported, and "Kontak yang muncul berulang" lists only contacts
seen in two posts or more."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest
from sqlalchemy import func, select

from tests.integration.test_offers_web import BENIGN, RISKY
from tests.jobs_helpers import finish_jobs, job_id_of, run_job_page
from waspada.offers import service
from waspada.offers.analyse import analyse
from waspada.platform.db import session_scope
from waspada.platform.jobs import store


def _post(client, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/offers/scan", data={"csrf_token": client.cookies["waspada_csrf"],
                                             **fields},
                       files={"upload": (name, data, "text/csv")}, follow_redirects=False)


def _jobs() -> int:
    with session_scope() as db:
        return db.scalar(select(func.count(store.Job.id))) or 0


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("posts.csv", b"id,body\n1,halo\n", "Kolom wajib tidak ada: text"),
    # binary and UTF-16 files hold NUL characters, which every CSV reader refuses (round 18)
    ("posts.csv", random.Random(4000).randbytes(4000), "berisi karakter NUL"),
    ("posts.csv", b"\xff\xfe\x00\x00" * 500, "berisi karakter NUL"),
    ("posts.csv", b"", "Pilih berkas yang akan dipindai."),
    ("posts.csv", b"id,text\n", "tidak memuat data berisi teks"),
    ("posts.csv", b"id,text\n1,\n2,   \n", "tidak memuat data berisi teks"),  # walk19
    ("posts.xlsx", b"PK\x03\x04", "CSV atau JSON Lines"),
])
def test_a_file_that_cannot_be_scanned_is_refused_in_indonesian_before_any_job(
        role_clients, name: str, data: bytes, expected: str) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    before = _jobs()
    page = _post(analyst, name, data)
    assert page.status_code in (400, 413), page.status_code
    assert expected in page.text and 'id="scan-form"' in page.text
    assert "Traceback" not in page.text and "column" not in page.text
    assert _jobs() == before


def test_recurring_contacts_are_only_those_seen_in_two_posts_or_more(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    once = RISKY.replace("+855 12 345 678", "+855 99 888 777")
    assert once != RISKY
    rows = [{"id": "a", "text": RISKY}, {"id": "b", "text": RISKY}, {"id": "c", "text": once},
            {"id": "d", "text": BENIGN}]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    page = run_job_page(analyst, _post(analyst, "posts.jsonl", data), section="recurring")
    assert page.status_code == 200
    table = page.text.split('id="results"')[1].split("</table>")[0]
    assert "+85512345678" in table and "<td>2</td>" in table
    assert "+85599888777" not in table  # seen once: not recurring
    assert "Kontak yang muncul berulang (1)" in page.text
    results = analyst.get(page.url.path + "?section=results").text
    assert "+85599888777" in results  # still listed with its post


def test_twenty_thousand_posts_are_all_kept_paged_and_downloadable(role_clients,  # type: ignore[no-untyped-def]
                                                                  monkeypatch) -> None:
    # the analyser's speed is not under test here (bench/ measures it): one real analysis is
    # reused so the test runs in seconds; everything else (reading, progress, rows, pages,
    # CSV) is the real path
    real = analyse(RISKY)
    monkeypatch.setattr(service, "analyse", lambda text, agencies=None: real)
    progress: list[tuple[int, int]] = []
    original = service.scan_records

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        inner = kwargs["progress"]
        kwargs["progress"] = lambda d, t: (progress.append((d, t)), inner(d, t))
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "scan_records", spy)
    analyst = role_clients["analyst"]
    data = ("id,text\n" + "".join(f"p{i},lowongan {i}\n" for i in range(20_000))).encode()
    started = _post(analyst, "posts.csv", data)
    job_id = job_id_of(started)
    status = analyst.get(f"/jobs/{job_id}/status").json()
    assert (status["done"], status["total"]) == (0, 20_000)
    finish_jobs()
    assert progress[-1] == (20_000, 20_000) and len(progress) == 20_000
    page = analyst.get(f"/jobs/{job_id}")
    assert "20.000 baris; halaman 1 dari 400." in page.text
    assert "20.000 data dianalisis" in page.text
    last = analyst.get(f"/jobs/{job_id}?section=results&page=400")
    assert last.text.count("<tr><td>p") == 50
    download = analyst.get(f"/jobs/{job_id}/results.csv")
    assert len(list(csv.reader(io.StringIO(download.text)))) == 20_001
    assert analyst.get(f"/jobs/{job_id}/status").json()["percent"] == 100
    _forget(job_id)


def _forget(job_id: int) -> None:
    """Delete this big job and its saved scan (20,000 rows), so later tests that fingerprint
    every table (tests/security/test_object_access_matrix.py) stay fast."""
    from datetime import timedelta

    from waspada.offers.store import OfferScan
    from waspada.platform.db import utcnow
    from waspada.platform.jobs import service as jobs

    with session_scope() as db:
        job = db.get(store.Job, job_id)
        scan_id = json.loads(job.summary)["scan_id"]
        job.finished_at = utcnow() - timedelta(days=400)
    with session_scope() as db:
        assert jobs.purge(db, retention_days=365) >= 1
        db.delete(db.get(OfferScan, scan_id))


@pytest.mark.parametrize(("name", "data"), [
    ("posts.jsonl", "".join(json.dumps(r) + "\n" for r in [
        {"id": "risky", "text": RISKY}, {"id": "kosong", "text": ""},
        {"id": "spasi", "text": "  \t "}, {"id": "benign", "text": BENIGN}]).encode()),
    ("posts.csv", ("id,text\n" + f'risky,"{RISKY}"\nkosong,\nspasi,"   "\n'
                   f'benign,"{BENIGN}"\n').encode()),
])
def test_empty_posts_are_problem_rows_and_scores_use_the_decimal_comma(  # type: ignore[no-untyped-def]
        role_clients, name: str, data: bytes) -> None:
    """walk19: an empty post was scored "risiko rendah" and scores read "0.9883"."""
    analyst = role_clients["analyst"]
    page = run_job_page(analyst, _post(analyst, name, data), section="results")
    assert page.status_code == 200
    table = page.text.split('id="results"')[1].split("</table>")[0]
    assert "risky" in table and "benign" in table
    assert "kosong" not in table and "spasi" not in table  # not scored
    scores = re.findall(r"<tr><td>\w+</td><td>([^<]*)</td>", table)
    assert len(scores) == 2 and all(re.fullmatch(r"[01](,\d{1,4})?", s) for s in scores), scores
    assert "2 data dianalisis" in page.text and "2 baris dilewati" in page.text
    problems = analyst.get(page.url.path + "?section=problems").text
    problems = problems.split('id="results"')[1].split("</table>")[0]
    assert problems.count("kosong; tidak ada yang dapat dipindai.") == 2
    # downloads keep the number as every spreadsheet and script reads it
    rows = list(csv.reader(io.StringIO(analyst.get(page.url.path + "/results.csv").text)))
    assert all(re.fullmatch(r"[01](\.\d{1,4})?", row[1]) for row in rows[1:]), rows
