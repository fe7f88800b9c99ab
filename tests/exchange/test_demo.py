"""`waspada demo load` sets up the exchange (issue #17, seen as a new user: the partners page,
"Kirim ke mitra" and the verification form were empty on a fresh demo)."""

from __future__ import annotations

from sqlalchemy import select

from waspada.exchange import service
from waspada.exchange.demo import DEMO_PARTNERS, load_demo_exchange
from waspada.exchange.models import Partner
from waspada.platform.db import session_scope


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
    assert load_demo_exchange(seed=7) == (0, 1 + len(DEMO_PARTNERS))
    assert service.identity().public.text == before
