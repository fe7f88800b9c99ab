"""Helpers for network tests: a fresh valid Indonesian mobile number per test, an offer report
filed as the public portal files one, and a count of audit entries."""

from __future__ import annotations

import random

import phonenumbers

_rng = random.Random()


def fresh_number() -> tuple[str, str]:
    """(national "0813…" digits, E.164) of a valid number no other test uses."""
    while True:
        national = "0813" + "".join(str(_rng.randrange(10)) for _ in range(8))
        number = phonenumbers.parse(national, "ID")
        if phonenumbers.is_valid_number(number):
            return national, phonenumbers.format_number(number,
                                                        phonenumbers.PhoneNumberFormat.E164)


def dashed(national: str) -> str:
    return f"{national[:4]}-{national[4:8]}-{national[8:]}"


def spaced_international(e164: str) -> str:
    digits = e164[3:]
    return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"


def file_report(text: str) -> int:
    """The id of a public offer report of ``text`` (with consent), as the portal files one."""
    from waspada.offers import service as offers
    from waspada.offers.schemas import ReportIn
    from waspada.platform.db import session_scope

    with session_scope() as db:
        return offers.report_offer(db, ReportIn(text=text, consent="yes")).id


def audit_count(action: str) -> int:
    """How many audit entries of ``action`` the trail holds."""
    from sqlalchemy import func, select

    from waspada.platform.audit import AuditEntry
    from waspada.platform.db import session_scope

    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.action == action)) or 0
