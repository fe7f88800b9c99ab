"""The watchlist service layer: one function per operation, limits from one place, refused
input is a clear error (never silently cut), and the interfaces neither audit nor commit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from waspada.matching import service
from waspada.matching.schemas import BIRTH_PLACE_MAX, EntryIn
from waspada.matching.store import WatchlistEntry
from waspada.platform.db import session_scope
from waspada.platform.security.policy import Principal, Role

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"
INTERFACES = [SRC / cap / f"{mod}.py" for cap in ("matching", "offers", "identity")
              for mod in ("api", "pages", "cli")]


def _entry(record_id: str) -> WatchlistEntry | None:
    with session_scope() as db:
        return db.scalar(select(WatchlistEntry).where(WatchlistEntry.record_id == record_id))


def test_interfaces_neither_audit_nor_commit() -> None:
    """Every audit entry and commit of these capabilities is in a service function."""
    offenders = []
    for path in INTERFACES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("record", "commit") and \
                    isinstance(node.value, ast.Name) and node.value.id in ("audit", "db",
                                                                           "session"):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {node.value.id}."
                                 f"{node.attr}")
    assert not offenders, offenders


def test_every_api_route_declares_a_response_model(app) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.web import iter_api_routes

    mine = [r for r in iter_api_routes(app) if r.path.startswith(
        ("/api/v1/match", "/api/v1/watchlist", "/api/v1/offers", "/api/v1/documents"))]
    assert len(mine) >= 9
    assert [r.path for r in mine if r.response_model is None] == []
    schema = app.openapi()
    ok = schema["paths"]["/api/v1/match"]["post"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"]["$ref"].endswith("MatchResponse")


def test_over_long_field_is_refused_not_cut(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    long_place = "K" * (BIRTH_PLACE_MAX + 1)
    r = analyst.post("/api/v1/watchlist", json={
        "record_id": "LONG-1", "full_name": "Budi Santoso", "birth_place": long_place,
        "reason": "test", "source": "test"})
    assert r.status_code == 422
    assert _entry("LONG-1") is None


def test_manage_page_reshows_a_refused_form_filled_in(role_clients: dict[str, TestClient]
                                                      ) -> None:
    analyst = role_clients["analyst"]
    r = analyst.post("/watchlist/manage/add", data={
        "record_id": "LONG-2", "full_name": "N" * 301, "reason": "alasan khusus",
        "source": "sumber", "list_kind": "recruiter",
        "csrf_token": analyst.cookies["waspada_csrf"]}, follow_redirects=False)
    assert r.status_code == 400
    assert "Nama lengkap terlalu panjang: paling banyak 300 karakter." in r.text
    assert 'value="LONG-2"' in r.text and 'value="alasan khusus"' in r.text
    assert '<option value="recruiter" selected>' in r.text
    assert _entry("LONG-2") is None


def test_a_recruiter_known_by_phone_is_added_from_the_page(role_clients: dict[str, TestClient]
                                                           ) -> None:
    """walk task17: the add form had no phone field (the CSV import had one), so a recruiter
    known only by a WhatsApp number could not be listed from the page."""
    analyst = role_clients["analyst"]
    assert 'name="phone"' in analyst.get("/watchlist/manage").text
    r = analyst.post("/watchlist/manage/add", data={
        "record_id": "WL-TASK17-1", "full_name": "Mira", "phone": "0812-7788-9911",
        "reason": "perekrut lowongan", "source": "laporan masyarakat", "list_kind": "recruiter",
        "csrf_token": analyst.cookies["waspada_csrf"]}, follow_redirects=False)
    assert r.status_code == 303
    entry = _entry("WL-TASK17-1")
    assert entry is not None and entry.phone and "7788" in entry.phone


def test_import_with_an_over_long_field_imports_nothing(role_clients: dict[str, TestClient]
                                                        ) -> None:
    analyst = role_clients["analyst"]
    data = ("record_id,full_name,birth_place\nIMP-OK,Siti Aminah,Medan\n"
            f"IMP-LONG,Rina Wati,{'x' * (BIRTH_PLACE_MAX + 5)}\n").encode()
    r = analyst.post("/watchlist/manage/import", data={
        "list_kind": "postponed", "reason": "r", "source": "s",
        "csrf_token": analyst.cookies["waspada_csrf"]},
        files={"file": ("w.csv", data, "text/csv")})
    assert r.status_code == 400 and "Baris 3" in r.text
    assert _entry("IMP-OK") is None and _entry("IMP-LONG") is None


def test_api_errors_are_english_with_a_stable_code(role_clients: dict[str, TestClient]) -> None:
    officer = role_clients["checkpoint_officer"]
    r = officer.post("/api/v1/match", json={"queries": {"q": {"schema": "Vesel",
                                                              "properties": {"name": ["X"]}}}})
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "invalid_schema", "message":
                                 "Cannot parse example entity q: unknown schema Vesel"}
    assert r.json()["detail"] == r.json()["error"]["message"]  # yente's shape too
    r = officer.post("/api/v1/match/nope", json={"queries": {}})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_dataset"
    r = role_clients["analyst"].request("DELETE", "/api/v1/watchlist/NO-SUCH-ID",
                                        json={"reason": "x"})
    assert r.json()["error"] == {"code": "not_found",
                                 "message": "No active watchlist entry has this id."}


def test_service_checks_the_policy_itself() -> None:
    officer = Principal(user_id=None, username="petugas", role=Role.CHECKPOINT_OFFICER,
                        unit_id=None)
    entry = EntryIn(record_id="POL-1", full_name="Agus", reason="r", source="s")
    with session_scope() as db, pytest.raises(service.WatchlistError) as refused:
        service.add_entry(db, officer, entry)
    assert refused.value.status == 403
    assert _entry("POL-1") is None


def test_blank_removal_reason_is_asked_for(role_clients: dict[str, TestClient]) -> None:
    analyst = role_clients["analyst"]
    r = analyst.post("/api/v1/watchlist", json={"record_id": "BLANK-1", "full_name": "Yohanes",
                                                 "reason": "r", "source": "s"})
    assert r.status_code == 201
    r = analyst.post("/watchlist/manage/BLANK-1/remove", data={
        "reason": "   ", "csrf_token": analyst.cookies["waspada_csrf"]}, follow_redirects=False)
    assert r.status_code == 400 and "Alasan wajib diisi." in r.text
    entry = _entry("BLANK-1")
    assert entry is not None and entry.active
