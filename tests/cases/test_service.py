"""The service layer: one function per operation for page, API and CLI; audit in the same
transaction; one limit per field; typed API responses; no slicing or auditing in interfaces."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import String, func, select
from typer.testing import CliRunner

from tests.cases.conftest import create_case
from waspada.cases import limits, models, schemas, service
from waspada.cases.cli import cases_app
from waspada.cases.errors import CaseError
from waspada.cases.models import CaseComment
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL

CASES = Path(__file__).resolve().parents[2] / "src" / "waspada" / "cases"
runner = CliRunner()


def _comments(body: str) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(CaseComment)
                              .where(CaseComment.body == body)) or 0


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.cookies.get("waspada_csrf") or ""


# -- the worked example: one service function behind page, API and CLI ------------------------

def test_a_comment_from_page_api_and_cli_is_one_audited_operation(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    cid = case["id"]
    api = protection.post(f"/api/v1/cases/{cid}/comments", json={"body": "lewat API"})
    assert api.status_code == 201
    assert api.json() == {"id": api.json()["id"], "case_id": cid, "status": "reported"}
    page = protection.post(f"/cases/{cid}/comment", data={
        "csrf_token": _token(protection), "body": "lewat halaman"}, follow_redirects=False)
    assert page.status_code == 303
    cli = runner.invoke(cases_app, ["comment", str(cid), "lewat CLI"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["case_id"] == cid
    with session_scope() as session:
        bodies = list(session.scalars(select(CaseComment.body)
                                      .where(CaseComment.case_id == cid)
                                      .order_by(CaseComment.id)))
        entries = list(session.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "case.comment",
            audit.AuditEntry.object_id == str(cid)).order_by(audit.AuditEntry.seq)))
    assert bodies == ["lewat API", "lewat halaman", "lewat CLI"]
    assert [e.actor for e in entries][-3:] == [entries[-3].actor, entries[-2].actor, "cli"]
    assert len(entries) == 3


def test_cli_comment_is_not_kept_without_its_audit_entry(protection, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)

    def crash(session: object) -> None:
        raise RuntimeError("simulated crash while writing the audit entry")

    monkeypatch.setattr(audit, "_take_chain_lock", crash)
    body = "catatan CLI tanpa audit tidak boleh tersimpan"
    result = runner.invoke(cases_app, ["comment", str(case["id"]), body])
    assert result.exit_code != 0
    assert _comments(body) == 0


def test_cli_comment_errors_are_clear(protection) -> None:  # type: ignore[no-untyped-def]
    missing = runner.invoke(cases_app, ["comment", "999999999", "ada"])
    assert missing.exit_code == 1 and "no such case" in missing.output
    assert "Traceback" not in missing.output
    too_long = runner.invoke(cases_app, ["comment", "1", "x" * (limits.COMMENT + 1)])
    assert too_long.exit_code == 2 and "1-5000 characters" in too_long.output


def test_service_hides_cases_of_other_units(role_clients) -> None:  # type: ignore[no-untyped-def]
    case = create_case(role_clients["protection_officer"])
    other = role_clients["checkpoint_officer"]
    answer = other.post(f"/api/v1/cases/{case['id']}/comments", json={"body": "bukan unitku"})
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert _comments("bukan unitku") == 0


def test_service_checks_the_policy_for_non_web_callers(protection) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.security.policy import Principal
    from waspada.platform.security.roles import Role

    case = create_case(protection)
    analyst = Principal(user_id=None, username="a", role=Role.ANALYST, unit_id=None, via="test")
    with session_scope() as session, pytest.raises(CaseError) as refused:
        service.add_comment(session, analyst, case["id"], schemas.CommentIn(body="tidak boleh"))
    assert refused.value.status == 403
    assert _comments("tidak boleh") == 0
    with session_scope() as session:
        out = service.add_comment(session, CLI_PRINCIPAL, case["id"],
                                  schemas.CommentIn(body="operator boleh"))
    assert out.case_id == case["id"] and _comments("operator boleh") == 1


# -- forms: over-long input is a clear error and the form comes back filled in ----------------

def test_over_long_comment_on_the_page_comes_back_filled_in(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    body = "kalimat panjang " * 400  # 6,400 characters: over the 5,000 limit
    page = protection.post(f"/cases/{case['id']}/comment", data={
        "csrf_token": _token(protection), "body": body}, follow_redirects=False)
    assert page.status_code == 422
    assert "terlalu panjang" in page.text  # Indonesian: "A field is too long."
    assert body.strip() in page.text  # the textarea holds what was typed
    assert _comments(body.strip()) == 0


def test_event_city_has_one_limit_on_page_and_api(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    city = "K" * (limits.CITY + 50)  # the page used to accept 200, the column holds 100
    page = protection.post(f"/cases/{case['id']}/event", data={
        "csrf_token": _token(protection), "type": "Transit", "city": city},
        follow_redirects=False)
    assert page.status_code == 422 and "terlalu panjang" in page.text
    assert "Traceback" not in page.text and "detail" not in page.text[:200]
    api = protection.post(f"/api/v1/cases/{case['id']}/events",
                          json={"type": "Transit", "city": city})
    assert api.status_code == 422


def test_a_bad_date_on_the_task_form_is_a_page_not_a_bare_422(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    page = protection.post(f"/cases/{case['id']}/task", data={
        "csrf_token": _token(protection), "title": "Telepon keluarga", "due_on": "besok"},
        follow_redirects=False)
    assert page.status_code == 422
    assert "<html" in page.text.lower() and 'value="Telepon keluarga"' in page.text


# -- one place per limit, typed responses, thin interfaces ------------------------------------

def _max_length(model: type[BaseModel], name: str) -> int | None:
    for meta in model.model_fields[name].metadata:
        if hasattr(meta, "max_length"):
            return int(meta.max_length)
    return None


@pytest.mark.parametrize(("model", "field", "table", "column"), [
    (schemas.PersonIn, "full_name", models.Person, "full_name"),
    (schemas.PersonIn, "identity_number", models.Person, "identity_number"),
    (schemas.PersonIn, "passport_number", models.Person, "passport_number"),
    (schemas.PersonIn, "mobile_phone", models.Person, "mobile_phone"),
    (schemas.PersonIn, "mailing_city", models.Person, "mailing_city"),
    (schemas.EventIn, "city", models.TraffickingEvent, "city"),
    (schemas.EventIn, "state", models.TraffickingEvent, "state"),
    (schemas.CaseIn, "destination_city", models.Case, "destination_city"),
    (schemas.TaskIn, "title", models.CaseTask, "title"),
    (schemas.NewCaseForm, "victim_name", models.Person, "full_name"),
    (schemas.OrganisationIn, "name", models.Organisation, "name"),
    (schemas.ReferralIn, "reason", models.Referral, "reason"),
])
def test_input_limit_equals_column_length(model, field, table, column) -> None:  # type: ignore[no-untyped-def]
    col_type = table.__table__.c[column].type
    assert isinstance(col_type, String)
    assert _max_length(model, field) == col_type.length


def test_every_cases_api_route_declares_a_response_schema(app) -> None:  # type: ignore[no-untyped-def]
    """JSON routes show a real schema; the two file routes name their media types."""
    files = {"GET /api/v1/cases/export",
             "GET /api/v1/cases/{case_id}/attachments/{attachment_id}"}
    spec = app.openapi()
    missing = []
    for path, ops in spec["paths"].items():
        if not path.startswith("/api/v1/cases"):
            continue
        for method, op in ops.items():
            name = f"{method.upper()} {path}"
            media = {kind: body for code, r in op["responses"].items() if code.startswith("2")
                     for kind, body in r.get("content", {}).items()}
            if name in files:
                ok = "application/json" not in media or len(media) > 1
            else:
                ok = bool(media.get("application/json", {}).get("schema"))
                schema = media.get("application/json", {}).get("schema", {})
                ok = ok and schema != {} and schema.get("type") != "object" or "$ref" in schema \
                    or schema.get("type") == "array"
            if not ok:
                missing.append(name)
    assert missing == []


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in {
                    ("audit", "record"), ("db", "commit"), ("session", "commit")}:
                found.append(f"{path.name}:{node.lineno} {owner.id}.{node.func.attr}")
    return found


def test_interfaces_neither_audit_nor_commit() -> None:
    """api.py, pages.py and cli.py call the service, which audits and commits once."""
    found = [call for name in ("api.py", "pages.py", "cli.py") for call in _calls(CASES / name)]
    assert found == []


def test_page_handlers_do_not_slice_input() -> None:
    tree = ast.parse((CASES / "pages.py").read_text(encoding="utf-8"))
    slices = [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)]
    assert slices == []


def test_no_cases_module_over_500_lines() -> None:
    long = {str(p.relative_to(CASES)): n for p in CASES.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_the_english_api_returns_no_indonesian_labels(protection) -> None:  # type: ignore[no-untyped-def]
    create_case(protection)
    workflow = protection.get("/api/v1/cases/workflow").json()
    assert "label_id" not in json.dumps(workflow)
    reported = next(s for s in workflow["states"] if s["code"] == "reported")
    assert reported["label_en"] == "Reported"
    rows = protection.get("/api/v1/cases").json()["cases"]
    assert rows and all("status_label" not in row for row in rows)
    assert "Dilaporkan" not in json.dumps(rows)
    page = protection.get("/cases")  # pages still show the Indonesian label (gettext)
    assert "Dilaporkan" in page.text


def test_cli_export_refuses_bad_ids_instead_of_dropping_them(protection) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    result = runner.invoke(cases_app, ["export", "--ids", f"{case['id']},abc"])
    assert result.exit_code == 2 and "--ids" in result.output
    good = runner.invoke(cases_app, ["export", "--ids", str(case["id"])])
    assert good.exit_code == 0 and case["reference"] in good.output
