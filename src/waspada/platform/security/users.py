"""User and unit rows: validation and queries (no audit, no commit).

The operations that people run (pages, API, CLI) are in ``service.py``, which calls these and
records the audit entry in the same transaction; the demo loader and tests call them directly.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.security.models import FULL_NAME_MAX, UNIT_NAME_MAX, Unit, User, WebSession
from waspada.platform.security.passwords import hash_password, password_problem
from waspada.platform.security.roles import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class UserError(DomainError):
    """A user-management request that cannot be carried out.

    ``message`` is an English gettext message id with ``{placeholders}``; ``str()`` is English,
    :meth:`localized` the user's language.
    """

    def __init__(self, template: str, *, code: str = "invalid_user_request",
                 status: int = 400, **params: Any) -> None:
        super().__init__(code, template, status=status, **params)

    @property
    def template(self) -> str:
        return self.message


def unit_code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "unit"


def get_or_create_unit(session: Session, name: str, kind: str = "other",
                       synthetic: bool = False) -> Unit:
    name = " ".join(name.split())
    if not name:
        raise UserError(N_("unit name must not be empty"))
    if len(name) > UNIT_NAME_MAX:
        raise UserError(N_("unit name is too long: at most {limit} characters"),
                        limit=UNIT_NAME_MAX)
    code = unit_code(name)
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, is_synthetic=synthetic)
        session.add(unit)
        session.flush()
    return unit


def find_unit(session: Session, name: str) -> Unit:
    """The existing unit called ``name`` (spaces and case ignored); an unknown name is refused
    with the closest existing names, never created (a typo must not make a new unit)."""
    name = " ".join(name.split())
    unit = session.scalar(select(Unit).where(Unit.code == unit_code(name)))
    if unit is not None:
        return unit
    names = list(session.scalars(select(Unit.name).order_by(Unit.name)))
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if close:
        raise UserError(N_("no unit named {unit}; did you mean: {choices}? (a new unit is "
                           "added under Units first)"), code="unknown_unit",
                        unit=repr(name), choices=", ".join(close))
    raise UserError(N_("no unit named {unit}; add it under Units first"), code="unknown_unit",
                    unit=repr(name))


def add_user(session: Session, username: str, *, role: str, unit: str, password: str,
             full_name: str = "", synthetic: bool = False, create_unit: bool = True) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise UserError(N_("username must be 3-64 characters: a-z, 0-9, dot, dash, underscore"))
    role_value = Role(check_role(role))
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    if len(full_name) > FULL_NAME_MAX:
        raise UserError(N_("full name is too long: at most {limit} characters"),
                        limit=FULL_NAME_MAX)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(N_("user {username} already exists"), code="user_exists", status=409,
                        username=repr(username))
    unit_row = (get_or_create_unit(session, unit, synthetic=synthetic) if create_unit
                else find_unit(session, unit))
    user = User(username=username, role=role_value.value, unit_id=unit_row.id,
                password_hash=hash_password(password), full_name=full_name,
                is_synthetic=synthetic)
    session.add(user)
    session.flush()
    return user


def check_role(role: str) -> str:
    """The role code, or a :class:`UserError` naming the choices."""
    try:
        return Role(role).value
    except ValueError:
        raise UserError(N_("unknown role {role}; choose one of: {choices}"), role=repr(role),
                        choices=", ".join(r.value for r in Role)) from None


def end_sessions(session: Session, user: User) -> None:
    """End every open session of ``user`` (in the caller's transaction)."""
    session.execute(update(WebSession).where(WebSession.user_id == user.id,
                                             WebSession.revoked.is_(False))
                    .values(revoked=True))


def set_password(session: Session, user: User, password: str) -> None:
    """Replace the password (checked like a new one); the user's open sessions end."""
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(session, user)


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(N_("no user named {username}"), code="not_found", status=404,
                        username=repr(username))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    user = find_user(session, username)
    user.is_active = active
    return user
