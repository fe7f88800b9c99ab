"""A ``watchlist.screen`` audit entry names every watchlist entry the screener was shown (row
ids, never names), and the auditor's filter by object finds it: "who saw entry X" is answered
by typing the entry id the pages show (left18 item 1)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from waspada.matching.store import WatchlistEntry
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

NAME = "Wulandari Kusumaningtyas Pratiwi"


def _last_screen() -> AuditEntry:
    with session_scope() as db:
        return db.scalars(select(AuditEntry).where(AuditEntry.action == "watchlist.screen")
                          .order_by(AuditEntry.seq.desc()).limit(1)).one()


def _row_ids(record_ids: list[str]) -> dict[str, str]:
    with session_scope() as db:
        return {r.record_id: str(r.id) for r in db.scalars(
            select(WatchlistEntry).where(WatchlistEntry.record_id.in_(record_ids)))}


@pytest.fixture(scope="module")
def listed(role_clients: dict[str, TestClient]) -> list[str]:
    """Seven entries of the same person, so a search shows more than five."""
    tag = uuid.uuid4().hex[:6].upper()
    ids = [f"LEFT18-{tag}-{n}" for n in range(7)]
    for n, rid in enumerate(ids):
        r = role_clients["analyst"].post("/api/v1/watchlist", json={
            "record_id": rid, "full_name": NAME, "birth_date": f"1990-05-{10 + n}",
            "list_kind": "pencegahan", "reason": "left18 test", "source": "test"})
        assert r.status_code == 201, r.text
    return ids


def _shown(entry: AuditEntry) -> list[str]:
    assert "Wulandari" not in entry.detail  # never a name
    return list(json.loads(entry.detail)["shown"])


def test_the_match_api_names_the_entries_it_returned(role_clients: dict[str, TestClient],
                                                     listed: list[str]) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {
        "name": [NAME], "birthDate": ["1990-05-12"]}}}}
    r = role_clients["checkpoint_officer"].post("/api/v1/match?limit=5&cutoff=0.1", json=body)
    assert r.status_code == 200, r.text
    returned = [x["id"] for x in r.json()["responses"]["q"]["results"]]
    assert set(returned) & set(listed)
    rows = _row_ids(returned)
    assert sorted(_shown(_last_screen())) == sorted(rows[rid] for rid in returned)


def test_the_search_page_names_every_candidate_it_showed(role_clients: dict[str, TestClient],
                                                         listed: list[str]) -> None:
    officer = role_clients["checkpoint_officer"]
    page = officer.post("/watchlist/search", data={
        "full_name": NAME, "birth_date": "1990-05-12",
        "csrf_token": officer.cookies.get("waspada_csrf") or ""})
    assert page.status_code == 200
    shown = list(dict.fromkeys(re.findall(r"LEFT18-[0-9A-F]{6}-\d", page.text)))
    assert len(shown) > 5, shown
    rows = _row_ids(shown)
    assert sorted(_shown(_last_screen())) == sorted(rows[rid] for rid in shown)


def test_the_auditor_finds_who_saw_an_entry(role_clients: dict[str, TestClient],
                                            listed: list[str]) -> None:
    officer, auditor = role_clients["checkpoint_officer"], role_clients["auditor"]
    officer.post("/watchlist/search", data={
        "full_name": NAME, "birth_date": "1990-05-13",
        "csrf_token": officer.cookies.get("waspada_csrf") or ""})
    screen = _last_screen()
    seen = listed[3]
    for params in ({"object_type": "watchlist_entry", "object_id": seen},
                   {"object_id": seen}, {"object_id": _row_ids([seen])[seen]}):
        found = auditor.get("/api/v1/audit", params=params).json()
        actions = {e["action"] for e in found}
        assert screen.seq in {e["seq"] for e in found}, params
        assert "watchlist.add" in actions  # the entry's own entries still found
    page = auditor.get("/audit", params={"object_type": "watchlist_entry", "object_id": seen})
    assert page.status_code == 200 and "Daftar pengawasan dicari" in page.text
    assert "entri yang ditampilkan=" in page.text and "lewat halaman=ya" in page.text
    # an entry nobody was shown: its add entry only, no screening
    with session_scope() as db:
        other = db.scalars(select(WatchlistEntry).where(
            WatchlistEntry.record_id.notin_(listed)).order_by(WatchlistEntry.id.desc())
            .limit(1)).one()
        other_id = str(other.id)
    found = auditor.get("/api/v1/audit", params={"object_type": "watchlist_entry",
                                                 "object_id": other_id}).json()
    assert screen.seq not in {e["seq"] for e in found}
    # LIKE wildcards in the typed value are literals, not patterns
    assert auditor.get("/api/v1/audit", params={"object_type": "watchlist_entry",
                                                "object_id": "%"}).json() == []
    assert auditor.get("/api/v1/audit", params={"object_type": "watchlist_entry",
                                                "object_id": "_"}).json() == []
