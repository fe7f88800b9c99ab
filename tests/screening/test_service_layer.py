"""Issue #12 for screening: one service function per operation (audit entry in the same
transaction), one model per input with limits shared with the ORM, forms that come back filled
in instead of cutting input short, English API answers, typed responses, and no reach into
another capability's store or interface modules."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import String, func, select

from waspada.matching.records import PersonRecord
from waspada.platform import audit
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.platform.security.auth import principal_for
from waspada.platform.security.models import User
from waspada.screening import limits, service
from waspada.screening.schemas import AnswersIn, DecisionIn, ScreeningIn
from waspada.screening.store import Screening, ScreeningPerson

SCREENING_SRC = Path(service.__file__).parent
CAPABILITIES = ("cases", "identity", "matching", "offers", "screening")
INTERFACE_MODULES = ("store", "models", "api", "pages", "cli")


def _officer_principal(session):  # type: ignore[no-untyped-def]
    return principal_for(session.scalar(select(User).where(User.username == "petugas.tpi")))


def _audit_count(action: str) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == action)) or 0


# -- the service records its own audit entries --------------------------------------------------

def test_service_start_and_decide_audit_in_the_same_transaction(app) -> None:  # type: ignore[no-untyped-def]
    actions = ("screening.create", "screening.update", "screening.decide")
    before = {action: _audit_count(action) for action in actions}
    with session_scope() as session:
        principal = _officer_principal(session)
        screening = service.start(session, principal, ScreeningIn(
            full_name="Layanan Satu Langkah", destination_country="MYS"))
        service.answer(session, principal, screening.id,
                       AnswersIn(answers={"purpose": "tourism"}))
        service.decide(session, principal, screening.id, DecisionIn(
            action=screening.recommended_action, legal_bases=["uu_6_2011"]))
    assert {action: _audit_count(action) - before[action] for action in actions} == {
        action: 1 for action in actions}


def test_a_screening_is_not_kept_without_its_audit_entry(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def crash(session: object) -> None:
        raise RuntimeError("simulated crash while writing the audit entry")

    monkeypatch.setattr(audit, "_take_chain_lock", crash)
    name = "Tanpa Jejak Audit"
    with session_scope() as session, pytest.raises(RuntimeError):
        service.start(session, _officer_principal(session), ScreeningIn(full_name=name))
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Screening)
                              .where(Screening.full_name == name)) == 0
        assert session.scalar(select(func.count()).select_from(ScreeningPerson)
                              .where(ScreeningPerson.full_name == name)) == 0


# -- one model per input, limits shared with the columns ---------------------------------------

@pytest.mark.parametrize("model_column", [
    (ScreeningPerson, "full_name"), (ScreeningPerson, "nik"), (ScreeningPerson, "passport_no"),
    (Screening, "full_name"), (Screening, "nik"), (Screening, "passport_no"),
    (Screening, "destination_country")])
def test_input_limits_are_the_column_limits(model_column) -> None:  # type: ignore[no-untyped-def]
    model, name = model_column
    column = model.__table__.c[name]
    assert isinstance(column.type, String)
    field_limit = next(m.max_length for m in ScreeningIn.model_fields[name].metadata
                       if hasattr(m, "max_length"))
    assert field_limit == column.type.length


def test_pages_declare_no_form_fields_and_cut_no_input() -> None:
    source = (SCREENING_SRC / "pages.py").read_text(encoding="utf-8")
    assert "Form(" not in source  # the one model per operation is validated instead
    tree = ast.parse(source)
    slices = [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)]
    assert slices == [], f"pages.py slices input at lines {slices}"


def test_over_long_input_comes_back_as_a_filled_in_form(role_clients) -> None:  # type: ignore[no-untyped-def]
    """Before, the page cut the name to 300 characters and started the screening anyway."""
    tpi = role_clients["checkpoint_officer"]
    before = _screenings_named("Panjang")
    page = tpi.post("/screenings", data={
        "full_name": "Panjang " + "x" * limits.NAME, "destination_country": "KHM",
        "flight": "QZ 7521", "csrf_token": tpi.cookies["waspada_csrf"]},
        follow_redirects=False)
    assert page.status_code == 400
    assert "terlalu panjang" in page.text and "Nama lengkap" in page.text
    assert 'value="QZ 7521"' in page.text and 'value="KHM"' in page.text
    assert _screenings_named("Panjang") == before


def test_too_many_legal_bases_on_the_page_is_an_error_not_a_cut(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={"full_name": "Dasar Hukum Banyak"}).json()
    response = tpi.post(f"/screenings/{created['id']}/decision", data={
        "action": created["assessment"]["recommended_action"],
        "legal_bases": ["uu_6_2011"] * (limits.LEGAL_BASES + 1),
        "csrf_token": tpi.cookies["waspada_csrf"]}, follow_redirects=False)
    assert response.status_code == 400 and "terlalu banyak isian" in response.text
    after = tpi.get(f"/api/v1/screenings/{created['id']}").json()
    assert after["status"] == "open" and after["decisions"] == []


def _screenings_named(prefix: str) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Screening)
                              .where(Screening.full_name.startswith(prefix))) or 0


# -- the English API answers in English ---------------------------------------------------------

def test_api_explains_matches_in_english_and_pages_in_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    from waspada.matching import store as matching_store  # test set-up only

    with session_scope() as session:
        matching_store.add_entry(session, PersonRecord(
            record_id="CEKAL-BAHASA-1", full_name="Hendra Kusumawijaya",
            birth_date=date(1979, 4, 4), sex="M"), reason="uji bahasa", source="test",
            list_kind="pencegahan", expires_on=None, actor="test")
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={
        "full_name": "Hendra Kusumawijaya", "birth_date": "1979-04-04", "sex": "M"}).json()
    hit = next(h for h in created["watchlist"] if h["entry_id"] == "CEKAL-BAHASA-1")
    assert hit["explanation"].startswith("name ") and "date of birth" in hit["explanation"]
    assert "nama" not in hit["explanation"] and "tgl lahir" not in hit["explanation"]
    assert created["assessment"]["recommended_action_label"] == "Postpone departure"
    reason = next(r for r in created["assessment"]["reasons"]
                  if r["code"] == "watchlist.pencegahan")
    assert "(score " in reason["evidence"] and "date of birth" in reason["evidence"]
    assert "skor" not in reason["evidence"]
    # round 25: words, not the engine's codes, nor the list's code after the name
    assert reason["evidence"].startswith("Hendra Kusumawijaya (score 1.00; name same; ")
    assert "pencegahan" not in reason["evidence"]
    by_code = {r["code"]: r for r in created["assessment"]["reasons"]}
    assert by_code["watchlist.pencegahan"]["source"] == "Waspada watchlist, entry CEKAL-BAHASA-1"
    answered = tpi.patch(f"/api/v1/screenings/{created['id']}",
                         json={"answers": {"told_to_lie": "yes"}}).json()
    coached = next(r for r in answered["assessment"]["reasons"]
                   if r["code"] == "coached_to_deceive")
    assert coached["evidence"].endswith("→ Yes") and "Ya" not in coached["evidence"]
    indonesian = tpi.get(f"/api/v1/screenings/{created['id']}?lang=id").json()
    hit_id = next(h for h in indonesian["watchlist"] if h["entry_id"] == "CEKAL-BAHASA-1")
    assert hit_id["explanation"].startswith("nama ") and "tgl lahir" in hit_id["explanation"]
    reason_id = next(r for r in indonesian["assessment"]["reasons"]
                     if r["code"] == "watchlist.pencegahan")
    assert "(skor " in reason_id["evidence"] and "tgl lahir" in reason_id["evidence"]
    page = tpi.get(f"/screenings/{created['id']}")
    assert "tgl lahir" in page.text


def test_an_offers_reason_names_its_indicators_in_english(role_clients) -> None:  # type: ignore[no-untyped-def]
    """The English reason read "score 0.93: fee_free_travel, ..." (round 25): the indicators'
    English titles, as the Indonesian reason has theirs."""
    from waspada.offers.catalogue import load_catalogue

    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={
        "full_name": "Sinta Maharani", "birth_date": "1998-02-03", "sex": "F",
        "destination_country": "KHM", "ticket": "one_way", "visa_type": "tourist",
        "offer_text": "Dibutuhkan admin CS online di Phnom Penh, gaji 12jt/bulan, tanpa "
                      "pengalaman, tiket dan visa ditanggung, berangkat minggu depan. "
                      "Hubungi WA 0812-3456-7890."}).json()
    reason = next(r for r in created["assessment"]["reasons"] if r["category"] == "offer")
    head, _, titles = reason["evidence"].partition(": ")
    assert head.startswith("score ") and titles, reason
    english = {i.title_en for i in load_catalogue().indicators}
    # the same traveller again: "Examined closely before at ... on 02-12-2026", the date as
    # the page writes dates (it read "on 2026-12-02")
    again = tpi.post("/api/v1/screenings", json={
        "full_name": "Sinta Maharani", "birth_date": "1998-02-03", "sex": "F"}).json()
    history = next(r for r in again["assessment"]["reasons"] if r["category"] == "history")
    assert re.search(r" on \d{2}-\d{2}-\d{4}$", history["title"]), history["title"]
    assert any(t in titles for t in english) and not any(
        i.code in titles.split(", ") for i in load_catalogue().indicators), titles


def test_refusals_answer_an_english_message(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    refused = tpi.post("/api/v1/screenings", json={"destination_country": "KHM"})
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "name_missing", "message": "Give the traveller's name or paste the MRZ lines."}


# -- typed responses ----------------------------------------------------------------------------

def test_every_screening_api_route_declares_its_response(app) -> None:  # type: ignore[no-untyped-def]
    schema = app.openapi()
    seen = 0
    for path, operations in schema["paths"].items():
        if not (path.startswith("/api/v1/screenings") or path.startswith("/api/v1/persons")):
            continue
        for method, operation in operations.items():
            seen += 1
            ok = next(str(c) for c in operation["responses"] if str(c).startswith("2"))
            content = operation["responses"][ok].get("content", {})
            assert content, (method, path)
            if "application/json" in content:
                ref = content["application/json"]["schema"].get("$ref", "")
                assert ref.endswith(("ScreeningOut", "PersonHistoryOut")), (method, path)
            else:
                assert "application/pdf" in content, (method, path)
    assert seen == 6


# -- capabilities meet only through the core or a service --------------------------------------

def test_screening_imports_no_store_or_interface_module_of_another_capability() -> None:
    offending = []
    for module in sorted(SCREENING_SRC.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if (len(parts) >= 3 and parts[0] == "waspada" and parts[1] in CAPABILITIES
                        and parts[1] != "screening" and parts[2] in INTERFACE_MODULES):
                    offending.append(f"{module.name}: {name}")
    assert offending == []
