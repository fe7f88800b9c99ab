"""Two installations in one test process: A is the test database (cases made through the API
as usual), B a second database migrated from scratch, with a unit and an officer of its own.
The transport (sealing, inbox, outbox) is tested in test_transport and test_two_servers: these tests hand payloads
from one side's builder to the other side's handler directly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import ROLE_USERS
from waspada.exchange import service as transport
from waspada.exchange.handlers import PartnerInfo
from waspada.platform.db import make_engine, session_factory
from waspada.platform.migrate import alembic_config
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.users import get_or_create_unit

#: how A knows B, and B knows A
B_AS_PARTNER = PartnerInfo(name="imigrasi-pusat", organisation="ImmigrationService",
                           fingerprint="b" * 64)
A_AS_PARTNER = PartnerInfo(name="kbri-phnom-penh", organisation="CentralGovernmentOrganisation",
                           fingerprint="a" * 64)


@pytest.fixture(scope="session")
def b_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    path: Path = tmp_path_factory.mktemp("installation-b") / "b.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "heads")
    engine = make_engine(url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(scope="session")
def b_officer(b_sessions: sessionmaker[Session]) -> Principal:
    with b_sessions() as db:
        unit = get_or_create_unit(db, "Direktorat Jenderal Imigrasi Pusat", kind="office")
        db.commit()
        return Principal(user_id=None, username="petugas.b", role=Role.PASSPORT_OFFICER,
                         unit_id=unit.id)


@pytest.fixture(scope="session")
def a_officer(database: None) -> Principal:
    with session_factory()() as db:
        # the demo's protection officer, whose cases role_clients["protection_officer"] makes
        # (not any one: other tests add protection officers of other units to the database)
        username = ROLE_USERS[Role.PROTECTION_OFFICER.value]
        user = db.query(User).filter(User.username == username).one_or_none()
        assert user is not None
        return Principal(user_id=user.id, username=user.username, role=Role.PROTECTION_OFFICER,
                         unit_id=user.unit_id)


class Outbox:
    """Stands in for the transport's queue_bundle in one-process tests: keeps what would be sealed and sent (the two-server test covers the real outbox)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []
        self.subjects: list[dict | None] = []  # the consent a re-send would check again

    def __call__(self, db, actor, partner_name, kind, payload, *, subjects=None) -> int:  # type: ignore[no-untyped-def]
        self.sent.append((partner_name, kind, payload))
        self.subjects.append(subjects)
        return len(self.sent)


@pytest.fixture()
def outbox(monkeypatch: pytest.MonkeyPatch) -> Outbox:
    box = Outbox()
    monkeypatch.setattr(transport, "queue_bundle", box)
    return box


def register_partner(sessions: sessionmaker[Session], name: str, organisation: str | None,
                     *, active: bool = True) -> None:
    """Make ``name`` a registered partner of the installation behind ``sessions`` (a fresh
    key each time; an existing row keeps its key and gets ``organisation`` and ``active``)."""
    from sqlalchemy import select

    from waspada.exchange.keys import Identity
    from waspada.exchange.models import Partner

    with sessions() as db:
        row = db.scalar(select(Partner).where(Partner.name == name))
        if row is None:
            public = Identity.generate(name).public
            row = Partner(name=name, public_key=public.text, fingerprint=public.fingerprint)
            db.add(row)
        row.organisation, row.active = organisation, active
        db.commit()
