"""The signed-in home page as a work queue: every installed capability's widgets for this
principal (``capability.py: home``), the platform's own (audit chain status, recent sign-in
failures) among them. A widget that fails is shown as unavailable; the page still loads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.audit_trail import last_chain_check
from waspada.platform.capabilities import home_providers
from waspada.platform.i18n import N_
from waspada.platform.logs import logger
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.timezones import to_local, zone_of
from waspada.platform.work import Widget

#: a chain check older than this is shown as due
CHECK_DUE = timedelta(days=7)
FAILURES_WINDOW = timedelta(hours=24)


def widgets(db: Session, principal: Principal) -> list[Widget]:
    """Administrators and auditors: the audit chain's last check and recent sign-in failures."""
    if not allowed(principal, "audit.read"):
        return []
    now = datetime.now(UTC)
    check = last_chain_check(db)
    if check is None:
        chain = Widget(key="platform.chain", title=N_("Audit chain"), level="warn",
                       text=N_("Never verified: run the check."), href="/audit", order=1)
    else:
        broken = check.outcome != "ok"
        stale = now - check.created_at > CHECK_DUE
        chain = Widget(key="platform.chain", title=N_("Audit chain"), href="/audit",
                       level="crit" if broken else ("warn" if stale else "ok"),
                       text=(N_("Broken at the last check: see the audit trail.") if broken
                             else N_("Intact at the last check.")), order=1)
    since = now - FAILURES_WINDOW
    failures = db.scalar(select(func.count()).select_from(audit.AuditEntry).where(
        audit.AuditEntry.action.in_(("login.failed", "login.throttled")),
        audit.AuditEntry.created_at >= since)) or 0
    user_zone = zone_of(db.get(User, principal.user_id) if principal.user_id else None)
    day = to_local(since, user_zone).date().isoformat()
    return [chain, Widget(key="platform.signin_failures",
                          title=N_("Failed sign-ins in the last 24 hours"), count=failures,
                          href=f"/audit?action=login.failed&day_from={day}",
                          level="warn" if failures else "ok", order=2)]


def collect(db: Session, principal: Principal) -> list[Widget]:
    """Every provider's widgets for ``principal``, in display order."""
    found: list[Widget] = []
    for provider in home_providers():
        try:
            found.extend(provider(db, principal))
        except Exception as exc:  # one broken queue must not take the home page down
            db.rollback()
            logger.error("home widget failed", extra={"error_type": type(exc).__name__,
                                                      "provider": provider.__qualname__})
            found.append(Widget(key=f"failed.{provider.__module__}",
                                title=N_("A work queue could not be loaded"), level="crit",
                                text=N_("Try again in a moment; the error was logged."),
                                order=99))
    return sorted(found, key=lambda w: (w.order, w.key))
