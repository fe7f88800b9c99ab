"""yente-shaped match API, watchlist management API and pages, dedupe review; all audited."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import csrf_headers
from tests.jobs_helpers import run_job_page
from tests.matching.conftest import base_records, write_csv
from waspada.matching.store import WatchlistEntry
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope


def _last(action: str) -> AuditEntry:
    with session_scope() as db:
        return db.scalars(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.seq.desc()).limit(1)).one()


def _add(c: TestClient, rid: str, name: str, bd: str | None = None, kind: str = "pencegahan"
         ) -> None:
    r = c.post("/api/v1/watchlist", json={"record_id": rid, "full_name": name,
                                           "birth_date": bd, "list_kind": kind,
                                           "reason": "unit test", "source": "test"})
    assert r.status_code == 201, r.text


def test_yente_shaped_match(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    _add(analyst, "API-WL-1", "Muhammad Rizki bin Ahmad Fauzan", "1990-05-17")
    _add(analyst, "API-WL-2", "Siti Khadijah Rumbiak", "1985-03-02", kind="victim")
    officer = role_clients["checkpoint_officer"]
    body = {"queries": {
        "q1": {"schema": "Person", "properties": {"name": ["H. Moch. Rizky bin Ahmad Fauzan"],
                                                  "birthDate": ["1991-05-17"]}},
        "q2": {"schema": "Person", "properties": {"name": ["Siti Khadijah Rumbiak"],
                                                  "birthDate": ["1962-07-02"]}},
    }}
    r = officer.post("/api/v1/match?threshold=0.7&limit=3", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    res1 = out["responses"]["q1"]["results"]
    assert res1[0]["id"] == "API-WL-1" and res1[0]["match"] is True
    assert 0 <= res1[0]["score"] <= 1
    assert res1[0]["explanation"]["birth_date"]["relation"] == "one_year_shift"
    assert "name" in res1[0]["features"]
    assert all(not x["match"] for x in out["responses"]["q2"]["results"])
    entry = _last("watchlist.screen")
    assert entry.actor == "petugas.tpi" and "Rizk" not in entry.detail
    # dataset filter
    r = officer.post("/api/v1/match/victim", json=body)
    assert all(x["datasets"] == ["victim"] for q in r.json()["responses"].values()
               for x in q["results"])
    assert officer.post("/api/v1/match/nope", json=body).status_code == 404
    # a query without a name is answered (no results, a warning), not a failed batch
    nameless = {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1990-01-01"]}}}}
    r = officer.post("/api/v1/match", json=nameless)
    assert r.status_code == 200 and r.json()["responses"]["q"]["results"] == []
    assert "no name" in r.json()["responses"]["q"]["warnings"][0]


def test_match_requires_a_screening_role(client: TestClient,
                                         role_clients: dict[str, TestClient]) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Budi"]}}}}
    assert client.post("/api/v1/match", json=body).status_code == 401
    assert role_clients["auditor"].post("/api/v1/match", json=body).status_code == 403


def test_watchlist_changes_are_audited_and_update_the_index(
        role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    body = {"queries": {"q": {"schema": "Person", "properties": {
        "name": ["Fransiskus Xaverius Manuputty"], "birthDate": ["1979-08-08"]}}}}
    assert not [x for x in analyst.post("/api/v1/match", json=body).json()
                ["responses"]["q"]["results"] if x["id"] == "API-WL-9"]
    _add(analyst, "API-WL-9", "Fransiskus Xaverius Manuputty", "1979-08-08")
    add = _last("watchlist.add")
    assert add.actor == "analis" and add.object_type == "watchlist_entry"
    assert "Manuputty" not in add.detail
    hits = analyst.post("/api/v1/match", json=body).json()["responses"]["q"]["results"]
    assert hits[0]["id"] == "API-WL-9"
    r = analyst.request("DELETE", "/api/v1/watchlist/API-WL-9", json={"reason": "lifted"})
    assert r.status_code == 200
    assert _last("watchlist.remove").object_id == add.object_id
    hits = analyst.post("/api/v1/match", json=body).json()["responses"]["q"]["results"]
    assert not [x for x in hits if x["id"] == "API-WL-9"]
    assert analyst.request("DELETE", "/api/v1/watchlist/API-WL-9",
                           json={"reason": "x"}).status_code == 404
    assert role_clients["checkpoint_officer"].post(
        "/api/v1/watchlist", json={"record_id": "x", "full_name": "y", "reason": "r",
                                   "source": "s"}).status_code == 403


def test_search_page_shows_ranked_candidates(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    _add(analyst, "API-WL-20", "Nurhayati Hasibuan", "1993-09-09")
    officer = role_clients["passport_officer"]
    assert officer.get("/watchlist/search").status_code == 200
    r = officer.post("/watchlist/search", data={"full_name": "Nur Hayati Hasibuan",
                                                "birth_date": "1993-09-09",
                                                "csrf_token": officer.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert "API-WL-20" in r.text and 'id="cand-1"' in r.text
    r = officer.post("/watchlist/search", data={"full_name": "",
                                                "csrf_token": officer.cookies["waspada_csrf"]})
    assert r.status_code == 400


def test_manage_page_add_import_remove(role_clients: dict[str, TestClient], tmp_path) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    token = analyst.cookies["waspada_csrf"]
    assert analyst.get("/watchlist/manage").status_code == 200
    r = analyst.post("/watchlist/manage/add", data={
        "record_id": "PG-WL-1", "full_name": "Tigor Situmorang", "birth_date": "1970-01-01",
        "list_kind": "recruiter", "reason": "r", "source": "s", "csrf_token": token},
        follow_redirects=False)
    assert r.status_code == 303
    f = write_csv(tmp_path / "w.csv", base_records()[:3])
    # the import runs as a background job: nothing is stored until it finishes (issue #16)
    r = analyst.post("/watchlist/manage/import", data={
        "list_kind": "postponed", "reason": "r", "source": "s", "csrf_token": token},
        files={"file": ("w.csv", f.read_bytes(), "text/csv")}, follow_redirects=False)
    ids = [rec.record_id for rec in base_records()[:3]]
    with session_scope() as db:
        before = db.scalar(select(func.count()).select_from(WatchlistEntry).where(
            WatchlistEntry.record_id.in_(ids), WatchlistEntry.list_kind == "postponed"))
    assert before == 0
    page = run_job_page(analyst, r)
    assert page.status_code == 200 and "3 entri diimpor." in page.text
    assert 'href="/watchlist/manage"' in page.text
    with session_scope() as db:
        after = db.scalar(select(func.count()).select_from(WatchlistEntry).where(
            WatchlistEntry.record_id.in_(ids), WatchlistEntry.list_kind == "postponed"))
    assert after == 3
    assert _last("watchlist.import").actor == "analis"
    bad = b"record_id,full_name\n1,Budi\n1,Budi\n"
    r = analyst.post("/watchlist/manage/import", data={
        "list_kind": "postponed", "reason": "r", "source": "s", "csrf_token": token},
        files={"file": ("w.csv", bad, "text/csv")})
    assert r.status_code == 400 and "Baris 3: record_id muncul dua kali" in r.text
    r = analyst.post("/watchlist/manage/PG-WL-1/remove", data={"reason": "done",
                                                              "csrf_token": token},
                     follow_redirects=False)
    assert r.status_code == 303
    assert _last("watchlist.remove").actor == "analis"


def test_dedupe_page_run_and_review(role_clients: dict[str, TestClient], person_file) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    token = analyst.cookies["waspada_csrf"]
    assert analyst.get("/dedupe").status_code == 200
    path, _ = person_file
    r = analyst.post("/dedupe/run", data={"origin": "upload", "threshold": "0.9",
                                          "csrf_token": token},
                     files={"file": ("p.csv", path.read_bytes(), "text/csv")},
                     follow_redirects=False)
    job = run_job_page(analyst, r)  # the dedupe is a background job (docs/jobs.md)
    run_url = job.text.split('id="result-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    page = analyst.get(run_url)
    assert page.status_code == 200 and "/decide" in page.text
    run_entry = _last("dedupe.run")
    assert json.loads(run_entry.detail)["records"] == 640
    import re

    cid = re.search(r"/dedupe/clusters/(\d+)/decide", page.text).group(1)
    r = analyst.post(f"/dedupe/clusters/{cid}/decide", data={"decision": "split",
                                                            "csrf_token": token},
                     follow_redirects=False)
    assert r.status_code == 303
    dec = _last("dedupe.review")
    assert dec.object_id == cid and json.loads(dec.detail)["decision"] == "split"
    assert role_clients["checkpoint_officer"].get("/dedupe").status_code == 403
    r = analyst.post("/dedupe/run", data={"origin": "upload", "threshold": "0.9",
                                          "csrf_token": token},
                     files={"file": ("p.csv", b"record_id,full_name\n1,A\n1,B\n", "text/csv")})
    assert r.status_code == 400


def test_api_page_helpers_use_csrf(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    assert csrf_headers(analyst)


def test_search_page_names_a_nik_slip(role_clients: dict[str, TestClient]) -> None:
    # issue #13 round 9: a NIK one digit off scores for the entry and says so, in Indonesian
    analyst = role_clients["analyst"]
    r = analyst.post("/api/v1/watchlist", json={
        "record_id": "API-WL-31", "full_name": "Rahmawati Sembiring", "birth_date": "1991-04-12",
        "sex": "F", "nik": "1271015204910007", "reason": "unit test", "source": "test"})
    assert r.status_code == 201, r.text
    officer = role_clients["passport_officer"]
    r = officer.post("/watchlist/search", data={
        "full_name": "Rahmawati Sembiring", "birth_date": "1991-04-12", "sex": "F",
        "nik": "1271015204910070", "csrf_token": officer.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert "API-WL-31" in r.text
    assert "NIK: beda satu angka (salah ketik)" in r.text


def test_a_watchlist_entry_born_in_the_future_is_refused(
        role_clients: dict[str, TestClient]) -> None:
    """An entry (API) or a search (page) with a date of birth after today is a clear error,
    nothing stored; a date of birth today is accepted."""
    from datetime import UTC, datetime, timedelta

    analyst = role_clients["analyst"]
    later = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    r = analyst.post("/api/v1/watchlist", json={
        "record_id": "API-WL-FUT", "full_name": "Rahmat Hidayat", "birth_date": later,
        "reason": "unit test", "source": "test"})
    assert r.status_code == 422, r.text
    assert "in the future" in r.text
    listed = analyst.get("/api/v1/watchlist", params={"limit": 500})
    assert listed.status_code == 200 and "API-WL-FUT" not in listed.text
    today = datetime.now(UTC).date().isoformat()
    r = analyst.post("/api/v1/watchlist", json={
        "record_id": "API-WL-TOD", "full_name": "Rahmat Hidayat", "birth_date": today,
        "reason": "unit test", "source": "test"})
    assert r.status_code == 201, r.text
    officer = role_clients["passport_officer"]
    r = officer.post("/watchlist/search", data={
        "full_name": "Rahmat Hidayat", "birth_date": later,
        "csrf_token": officer.cookies["waspada_csrf"]})
    assert r.status_code == 400
    assert "dari tahun 1880 sampai hari ini" in r.text
    assert 'value="Rahmat Hidayat"' in r.text  # what was typed is kept
