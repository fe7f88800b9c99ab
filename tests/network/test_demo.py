"""`waspada demo load` fills the network review page (demo20): the offers demo's fictitious
public reports hold one suggestion of each kind, which the analyst, and only roles allowed to
review, can see."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import ROLE_USERS
from waspada.network import service
from waspada.network.demo import load_demo_network
from waspada.network.service import NetworkError
from waspada.network.store import Entity, MergeSuggestion
from waspada.offers.demo import DEMO_REPORTS
from waspada.offers.store import OfferReport
from waspada.platform.db import session_scope
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

#: (kind of suggestion, the two entity values) the demo reports give
DEMO_PAIRS = {
    ("same_number", frozenset({("phone", "+855885550142"), ("phone", "+62885550142")})),
    ("same_post", frozenset({("phone", "+6281355502291"), ("telegram", "hrd_kamboja_demo")})),
    ("similar_agency", frozenset({("agency", "sinar harapan abadi"),
                                  ("agency", "sinar harapan abadi jaya")})),
}


def _principal(role: Role) -> Principal:
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS[role.value]))
        assert user is not None
        return Principal(user_id=user.id, username=user.username, role=role,
                         unit_id=user.unit_id)


def _demo_suggestions() -> dict[tuple[str, frozenset[tuple[str, str]]], int]:
    with session_scope() as db:
        entities = {e.id: (e.kind, e.value) for e in db.scalars(select(Entity))}
        return {(s.reason.split(":")[0], frozenset({entities[s.entity_a_id],
                                                     entities[s.entity_b_id]})): s.id
                for s in db.scalars(select(MergeSuggestion))}


def test_the_demo_reports_were_stored_as_public_reports() -> None:
    with session_scope() as db:
        texts = set(db.scalars(select(OfferReport.text)))
        reporters = set(db.scalars(select(OfferReport.reporter_contact).where(
            OfferReport.text.in_([text for text, _where in DEMO_REPORTS]))))
    assert {text for text, _where in DEMO_REPORTS} <= texts
    assert reporters == {""}  # no reporter's contact, not even a made-up one
    assert all(text.startswith("[DEMO – fiktif]") for text, _where in DEMO_REPORTS)


def test_one_suggestion_of_each_kind_and_a_second_load_adds_none() -> None:
    # tests run before this one may have stored records a rebuild links: settle the graph
    load_demo_network(seed=7)
    found = _demo_suggestions()
    assert found.keys() >= DEMO_PAIRS
    assert load_demo_network(seed=7) == (0, 1)
    assert _demo_suggestions() == found


def test_the_analyst_sees_them_with_their_evidence(role_clients: dict[str, TestClient]
                                                    ) -> None:
    ids = {found for pair, found in _demo_suggestions().items() if pair in DEMO_PAIRS}
    with session_scope() as db:
        seen = {s["id"]: s for status in ("open", "unsure", "confirmed", "rejected")
                for s in service.suggestions(db, _principal(Role.ANALYST), status, 1000)}
    assert ids <= seen.keys()
    for suggestion_id in ids:
        assert seen[suggestion_id]["a"]["evidence"]["records"] >= 1
        assert seen[suggestion_id]["b"]["evidence"]["records"] >= 1
    page = role_clients["analyst"].get("/network/review")
    assert page.status_code == 200
    assert "PT Sinar Harapan Abadi Jaya" in page.text and "@hrd_kamboja_demo" in page.text


@pytest.mark.parametrize("role", [Role.CHECKPOINT_OFFICER, Role.PASSPORT_OFFICER,
                                  Role.PROTECTION_OFFICER, Role.AUDITOR])
def test_roles_that_do_not_review_do_not_see_them(role: Role) -> None:
    with session_scope() as db, pytest.raises(NetworkError):
        service.suggestions(db, _principal(role))
