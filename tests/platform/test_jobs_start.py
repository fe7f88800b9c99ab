""""Pekerjaan saya" with no job names only the kinds its viewer's role may start (walk19: a
protection officer was told about the bulk offer scan and the dedupe run)."""

from __future__ import annotations

import pytest

from waspada.offers.scanjob import SCAN
from waspada.platform.jobs import kinds, pages
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role


def _as(role: Role) -> Principal:
    return Principal(user_id=None, username="x", role=role, unit_id=1)


def test_each_role_is_offered_what_the_policy_lets_it_start() -> None:
    offered = {role: dict(kinds.startable(_as(role))) for role in Role}
    assert offered[Role.PROTECTION_OFFICER] == {"HTCDS case export": "/cases"}
    assert offered[Role.ANALYST]["Bulk offer scan"] == "/offers/scan"
    assert offered[Role.ANALYST]["Watchlist import"] == "/watchlist/manage"
    assert offered[Role.ANALYST]["Duplicate identities"] == "/dedupe"
    assert offered[Role.AUDITOR] == {"Audit trail export": "/audit"}
    assert offered[Role.ADMIN] == {"Audit trail export": "/audit",
                                   "Watchlist import": "/watchlist/manage"}
    assert offered[Role.CHECKPOINT_OFFICER] == {"Screening export": "/screenings"}
    for role in Role:
        if role != Role.ANALYST:
            assert "Bulk offer scan" not in offered[role]
            assert "Duplicate identities" not in offered[role]


def test_the_empty_list_names_only_what_the_officer_may_start(role_clients, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pages.service, "listing", lambda db, principal: [])
    page = role_clients["protection_officer"].get("/jobs")
    assert page.status_code == 200
    start = page.text[page.text.index('id="jobs-start"'):]
    assert "Pekerjaan yang dapat Anda mulai" in start and 'href="/cases"' in start
    for other in ("/offers/scan", "/dedupe", "/audit", "/screenings", "/watchlist"):
        assert f'href="{other}"' not in start
    assert "pindai lowongan massal" not in page.text.lower()
    assert "identitas ganda" not in page.text.lower()


def test_a_role_that_may_start_nothing_is_told_so(role_clients, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pages.service, "listing", lambda db, principal: [])
    monkeypatch.setattr(kinds, "registry", lambda: {SCAN.name: SCAN})
    page = role_clients["protection_officer"].get("/jobs")
    assert "Peran Anda tidak memulai pekerjaan latar belakang" in page.text
    assert "Pekerjaan yang dapat Anda mulai" not in page.text
