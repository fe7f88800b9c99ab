"""Load the demo into the database; running it twice adds nothing twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from waspada.demo.synthetic import (
    DEMO_ACCOUNTS,
    DEMO_OFFICERS,
    DEMO_UNIT_PLACES,
    DEMO_UNITS,
    demo_password,
)
from waspada.platform import audit
from waspada.platform.capabilities import demo_loaders
from waspada.platform.db import session_scope
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.security.users import add_user, get_or_create_unit, unit_code


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit: str


@dataclass
class DemoReport:
    """What a load added and found already there, in total and per part (units, accounts, each
    capability's demo): a second run finds exactly what the first one added."""

    created: int = 0
    skipped: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    #: (part, added, already present)
    parts: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, part: str, created: int, skipped: int) -> None:
        self.created += created
        self.skipped += skipped
        self.parts.append((part, created, skipped))


def load_demo(seed: int = 7) -> DemoReport:
    report = DemoReport()
    with session_scope() as session:
        units = [0, 0]
        for name, kind in DEMO_UNITS:
            if session.scalar(select(Unit).where(Unit.code == unit_code(name))) is None:
                unit = get_or_create_unit(session, name, kind=kind, synthetic=True)
                unit.time_zone, unit.city = DEMO_UNIT_PLACES[name]
                units[0] += 1
            else:
                units[1] += 1
        accounts = [0, 0]
        for username, role, unit_name, full_name in DEMO_ACCOUNTS:
            password = demo_password(username)
            if session.scalar(select(User).where(User.username == username)) is None:
                user = add_user(session, username, role=role, unit=unit_name, password=password,
                                full_name=full_name, synthetic=True)
                user.nip, user.rank = DEMO_OFFICERS.get(username, (None, None))
                accounts[0] += 1
            else:
                accounts[1] += 1
            report.accounts.append(DemoAccount(username, password, role, unit_name))
    report.add("units", *units)
    report.add("accounts", *accounts)
    for name, loader in demo_loaders():
        report.add(name, *loader(seed))
    if report.created:
        audit.record("demo.load", CLI_PRINCIPAL, created=report.created, seed=seed)
    return report
