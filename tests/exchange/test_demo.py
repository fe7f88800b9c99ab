"""`waspada demo load` sets up the exchange (issue #17, seen as a new user: the partners page,
"Kirim ke mitra" and the verification form were empty on a fresh demo) and fills round two's
exchange pages: what the demo partners sent waits in the inbox, and one case update became a
field conflict (demo20)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import ROLE_USERS
from waspada.exchange import content_service, schema, service
from waspada.exchange.demo import (
    DEMO_PARTNERS,
    DINSOS,
    DINSOS_TOWN,
    FAMILY_TOWN,
    KBRI,
    MOSVY,
    RECEIVED_STEPS,
    load_demo_exchange,
)
from waspada.exchange.models import InboxItem, Partner
from waspada.exchange.records import ExchangeConflict
from waspada.exchange.service import ExchangeError
from waspada.platform.db import session_scope
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

TITLES = {name: title for name, title, _org, _acc in DEMO_PARTNERS}


def test_the_demo_has_an_identity_and_partners_that_nothing_is_pushed_to() -> None:
    # the test session loaded the demo once already
    assert service.identity() is not None
    with session_scope() as db:
        rows = {p.name: p for p in db.scalars(select(Partner).where(
            Partner.name.in_([name for name, _title, _org, _acc in DEMO_PARTNERS])))}
        assert {name: (rows[name].title, rows[name].organisation, rows[name].acceptance,
                       rows[name].url)
                for name in rows} == {name: (title, org, acc, None)
                                      for name, title, org, acc in DEMO_PARTNERS}
        assert all(p.active for p in rows.values())


def test_a_second_demo_load_adds_nothing() -> None:
    before = service.identity().public.text
    assert load_demo_exchange(seed=7) == (0, 1 + len(DEMO_PARTNERS) + RECEIVED_STEPS)
    assert service.identity().public.text == before
    with session_scope() as db:
        assert _demo_inbox(db).keys() == {KBRI, DINSOS, MOSVY}  # each received once


def _demo_inbox(db) -> dict[str, InboxItem]:  # type: ignore[no-untyped-def]
    rows = db.execute(select(Partner.name, InboxItem).join(Partner)
                      .where(Partner.name.in_([KBRI, DINSOS, MOSVY]))).all()
    found: dict[str, InboxItem] = {}
    for name, item in rows:
        assert name not in found, f"{name} sent more than one demo bundle"
        found[name] = item
    return found


def _principal(role: Role) -> Principal:
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS[role.value]))
        assert user is not None
        return Principal(user_id=user.id, username=user.username, role=role,
                         unit_id=user.unit_id)


def test_the_partners_bundles_arrived_through_the_inbox_checks() -> None:
    with session_scope() as db:
        inbox = _demo_inbox(db)
        assert {name: (item.kind, item.via) for name, item in inbox.items()} == {
            DINSOS: ("case_update", "file"), MOSVY: ("referral", "file"),
            KBRI: ("verification_request", "file")}
        # the DINSOS update was accepted by the demo's officer and recorded a conflict
        assert inbox[DINSOS].status == "accepted" and inbox[DINSOS].decided_by == "demo"
        assert json.loads(inbox[DINSOS].result_json or "{}")["conflict"] is True
        # the MoSVY referral is a valid HTCDS record carrying only MoSVY's profile's fields
        referral = json.loads(inbox[MOSVY].payload_json)
        if referral:  # (the payload is erased 30 days after a decision, not before)
            assert schema.validate_record(referral["record"]) == []
            victim, = referral["record"]["persons"]
            assert "prs_IdentityNumber" not in victim and "prs_MobilePhone" not in victim
            assert referral["consent_basis"]["type"] == "consent"


@pytest.mark.parametrize("role", [Role.PROTECTION_OFFICER, Role.PASSPORT_OFFICER,
                                  Role.CHECKPOINT_OFFICER])
def test_officers_who_accept_bundles_see_the_demo_inbox(role: Role) -> None:
    with session_scope() as db:
        ids = {item.id: name for name, item in _demo_inbox(db).items()}
        listed = {row["id"]: row for row in service.inbox(db, _principal(role), limit=100_000)}
    assert ids.keys() <= listed.keys()
    for inbox_id, name in ids.items():
        assert listed[inbox_id]["partner"] == name
        if listed[inbox_id]["status"] == "pending":  # other tests may decide them later
            assert listed[inbox_id]["changes"], "a waiting bundle shows what it would change"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR, Role.ADMIN])
def test_other_roles_do_not_see_the_inbox(role: Role) -> None:
    with session_scope() as db, pytest.raises(ExchangeError):
        service.inbox(db, _principal(role))


def test_the_inbox_page_shows_the_partners_by_name(
        role_clients: dict[str, TestClient]) -> None:
    page = role_clients["protection_officer"].get("/exchange/inbox")
    assert page.status_code == 200
    for name in (KBRI, DINSOS, MOSVY):
        assert TITLES[name] in page.text
    assert role_clients["analyst"].get("/exchange/inbox").status_code == 403


def _demo_conflict() -> ExchangeConflict:
    with session_scope() as db:
        row = db.scalar(select(ExchangeConflict).where(ExchangeConflict.partner == DINSOS)
                        .order_by(ExchangeConflict.id))
        assert row is not None
        db.expunge(row)
        return row


def test_the_dinsos_update_waits_as_a_conflict_of_two_fields() -> None:
    conflict = _demo_conflict()
    fields = {f["field"].rsplit(".", 1)[-1]: (f["local"], f["incoming"])
              for f in json.loads(conflict.fields_json)}
    assert fields == {"prs_MailingCity": (FAMILY_TOWN, DINSOS_TOWN),
                      "prs_MobilePhone": (None, "+6285790123456")}
    assert conflict.status in ("open", "resolved")  # (no test resolves it; a person may)
    with session_scope() as db:
        listed = content_service.list_conflicts(db, _principal(Role.PROTECTION_OFFICER))
    assert conflict.id in {c.id for c in listed}


def test_the_protection_officer_resolves_it_on_its_page_and_others_may_not(
        role_clients: dict[str, TestClient]) -> None:
    conflict = _demo_conflict()
    protection = role_clients["protection_officer"]
    listed = protection.get("/exchange/conflicts")
    assert f'href="/exchange/conflicts/{conflict.id}"' in listed.text
    page = protection.get(f"/exchange/conflicts/{conflict.id}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert {i["name"] for i in soup.select("input[type=radio]")} == {
        f"choice:{f['field']}" for f in json.loads(conflict.fields_json)}
    assert FAMILY_TOWN in page.text and DINSOS_TOWN in page.text
    for role in ("analyst", "passport_officer", "checkpoint_officer", "auditor"):
        assert role_clients[role].get(f"/exchange/conflicts/{conflict.id}").status_code == 403
