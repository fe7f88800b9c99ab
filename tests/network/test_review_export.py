"""Entity review (suggest, confirm, undo; audited), CLI lookup, rebuild and exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import csrf_headers
from tests.network.helpers import audit_count, file_report, fresh_number
from waspada.cli import app as root_app
from waspada.network import service
from waspada.network.store import Entity, Link, MergeSuggestion
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope

runner = CliRunner()


def test_handle_and_phone_in_one_post_are_suggested_confirmed_and_undone(role_clients) -> None:  # type: ignore[no-untyped-def]
    national, e164 = fresh_number()
    handle = "agen" + national[-6:]
    file_report(f"Loker Myawaddy, chat WA {national} atau t.me/{handle}")
    analyst = role_clients["analyst"]
    before = audit_count("network.review"), audit_count("network.unmerge")
    assert runner.invoke(root_app, ["network", "suggest"]).exit_code == 0
    rows = analyst.get("/api/v1/network/suggestions").json()
    mine = [r for r in rows if {r["a"]["value"], r["b"]["value"]} == {e164, handle}]
    assert len(mine) == 1 and mine[0]["reason"].startswith("same_post")
    sid = mine[0]["id"]
    answer = analyst.post(f"/api/v1/network/suggestions/{sid}", headers=csrf_headers(analyst),
                          json={"decision": "confirm"})
    assert answer.json() == {"id": sid, "status": "confirmed"}
    merged = analyst.get("/api/v1/network/lookup", params={"value": "@" + handle}).json()
    assert merged["entity"]["merged"] and merged["entity"]["value"] in (e164, handle)
    assert analyst.post(f"/api/v1/network/suggestions/{sid}", headers=csrf_headers(analyst),
                        json={"decision": "reject"}).status_code == 409
    undone = analyst.post(f"/api/v1/network/suggestions/{sid}/undo",
                          headers=csrf_headers(analyst))
    assert undone.json()["status"] == "open"
    apart = analyst.get("/api/v1/network/lookup", params={"value": "@" + handle}).json()
    assert apart["entity"]["value"] == handle and apart["entity"]["merged"] == []
    assert (audit_count("network.review"), audit_count("network.unmerge")) == (
        before[0] + 1, before[1] + 1)
    # only analysts review
    officer = role_clients["checkpoint_officer"]
    assert officer.get("/api/v1/network/suggestions").status_code == 403


def test_agency_names_join_when_equal_and_are_suggested_when_similar() -> None:
    _, e164 = fresh_number()
    tail = e164[-4:]
    file_report(f"PT Sinar Harapan Kerja{tail} Abadi buka lowongan Kamboja")
    file_report(f"Sinar Harapan Kerja{tail} Abadi Co., Ltd butuh admin")
    file_report(f"PT. Sinar Harapan Kerja{tail} Abadi Jaya, penempatan Myawaddy")
    from waspada.platform.security.policy import CLI_PRINCIPAL

    with session_scope() as db:
        same = service.lookup(db, CLI_PRINCIPAL, f"Sinar Harapan Kerja{tail} Abadi", 0)
        assert len(same["timeline"]) == 2  # legal forms folded: one agency, two posts
        service.suggest_merges(db, CLI_PRINCIPAL)
        reasons = [s["reason"] for s in service.suggestions(db, CLI_PRINCIPAL)
                   if tail in s["a"]["label"] and tail in s["b"]["label"]]
    assert len(reasons) == 1 and reasons[0].startswith("similar_agency"), reasons


def test_cli_lookup_json_rebuild_and_csv_export(tmp_path: Path) -> None:
    national, e164 = fresh_number()
    report = file_report(f"Dicari CS, WA {national}, kerja di Bavet")
    result = runner.invoke(root_app, ["network", "lookup", national, "--json", "--depth", "0"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["entity"]["value"] == e164
    assert [(a["source_type"], a["source_id"]) for a in found["timeline"]] == [
        ("offer_report", report)]
    missing = runner.invoke(root_app, ["network", "lookup", "0899-0000-0000"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    # a first rebuild links what earlier tests wrote straight into tables (the object-access
    # matrix's fixtures); the second must then change nothing
    assert runner.invoke(root_app, ["network", "rebuild"]).exit_code == 0
    with session_scope() as db:
        before = db.scalar(select(func.count(Link.id)))
    rebuilt = runner.invoke(root_app, ["network", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    with session_scope() as db:
        assert db.scalar(select(func.count(Link.id))) == before  # same data, same links
        assert db.scalar(select(func.count(MergeSuggestion.id))) is not None
    output = tmp_path / "edges.csv"
    result = runner.invoke(root_app, ["network", "export", "--format", "csv", "--output",
                                      str(output)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert any(r["entity_value"] == e164 and r["source_id"] == str(report) for r in rows)
    bad = runner.invoke(root_app, ["network", "export", "--format", "xml", "--output",
                                   str(tmp_path / "x")])
    assert bad.exit_code == 1 and "ftm or csv" in bad.output


def test_an_export_holds_only_what_the_caller_may_see(role_clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, victim_phone = fresh_number()
    protection = role_clients["protection_officer"]
    response = protection.post("/api/v1/cases", headers=csrf_headers(protection), json={
        "destination_country": "KH", "summary": "Uji ekspor.",
        "persons": [{"role": "victim", "full_name": "Korban Ekspor Uji",
                     "mobile_phone": victim_phone}]})
    assert response.status_code == 201, response.text
    from waspada.platform.security.policy import Principal
    from waspada.platform.security.roles import Role

    analyst = Principal(user_id=None, username="analis-uji", role=Role.ANALYST, unit_id=None)
    output = tmp_path / "all.csv"
    with session_scope() as db:
        result = service.export(db, analyst, "csv", output)
        assert db.scalar(select(func.count(Entity.id)).where(Entity.value == victim_phone)) == 1
    assert result["links"] > 0
    text = output.read_text(encoding="utf-8")
    assert victim_phone not in text and "Korban Ekspor Uji" not in text


def test_only_analysts_decide_or_undo_a_merge_suggestion(role_clients) -> None:  # type: ignore[no-untyped-def]
    for role, client in role_clients.items():
        if role == "analyst":
            continue
        headers = {"X-CSRF-Token": client.cookies.get("waspada_csrf") or ""}
        assert client.post("/api/v1/network/suggestions/1", json={"decision": "reject"},
                           headers=headers).status_code == 403, role
        assert client.post("/api/v1/network/suggestions/1/undo",
                           headers=headers).status_code == 403, role


def test_suggestion_reads_are_audited_and_an_unknown_status_is_refused(
        role_clients) -> None:  # type: ignore[no-untyped-def]
    """Round 17 security pass: GET /api/v1/network/suggestions listed phones, handles and
    agency names without an audit entry, and ``status=bogus`` (any length) answered an empty
    list instead of an error."""
    analyst = role_clients["analyst"]
    with session_scope() as db:
        before = db.scalar(select(func.max(AuditEntry.seq))) or 0
    assert analyst.get("/api/v1/network/suggestions?status=rejected").status_code == 200
    with session_scope() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.seq > before)))
    assert "network.suggestions" in actions
    r = analyst.get("/api/v1/network/suggestions", params={"status": "bogus" * 1000})
    assert r.status_code == 422
