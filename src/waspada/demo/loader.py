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
    created: int = 0
    skipped: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


def load_demo(seed: int = 7) -> DemoReport:
    report = DemoReport()
    with session_scope() as session:
        for name, kind in DEMO_UNITS:
            if session.scalar(select(Unit).where(Unit.code == unit_code(name))) is None:
                unit = get_or_create_unit(session, name, kind=kind, synthetic=True)
                unit.time_zone, unit.city = DEMO_UNIT_PLACES[name]
                report.created += 1
            else:
                report.skipped += 1
        for username, role, unit_name, full_name in DEMO_ACCOUNTS:
            password = demo_password(username)
            if session.scalar(select(User).where(User.username == username)) is None:
                user = add_user(session, username, role=role, unit=unit_name, password=password,
                                full_name=full_name, synthetic=True)
                user.nip, user.rank = DEMO_OFFICERS.get(username, (None, None))
                report.created += 1
            else:
                report.skipped += 1
            report.accounts.append(DemoAccount(username, password, role, unit_name))
    for _name, loader in demo_loaders():
        created, skipped = loader(seed)
        report.created += created
        report.skipped += skipped
    if report.created:
        audit.record("demo.load", CLI_PRINCIPAL, created=report.created, seed=seed)
    return report
