"""User and unit administration shared by the CLI and the admin pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform.i18n import N_
from waspada.platform.security.models import Unit, User
from waspada.platform.security.passwords import hash_password, password_problem
from waspada.platform.security.roles import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class UserError(ValueError):
    """A user-management request that cannot be carried out.

    ``template`` is an English gettext message id with ``{placeholders}``; ``str()`` is English.
    """

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template.format(**params))
        self.template = template
        self.params = params

    def localized(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.template).format(**self.params)


def unit_code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "unit"


def get_or_create_unit(session: Session, name: str, kind: str = "other",
                       synthetic: bool = False) -> Unit:
    name = " ".join(name.split())
    if not name:
        raise UserError(N_("unit name must not be empty"))
    code = unit_code(name)
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, is_synthetic=synthetic)
        session.add(unit)
        session.flush()
    return unit


def add_user(session: Session, username: str, *, role: str, unit: str, password: str,
             full_name: str = "", synthetic: bool = False) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise UserError(N_("username must be 3-64 characters: a-z, 0-9, dot, dash, underscore"))
    try:
        role_value = Role(role)
    except ValueError:
        raise UserError(N_("unknown role {role}; choose one of: {choices}"), role=repr(role),
                        choices=", ".join(r.value for r in Role)) from None
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(N_("user {username} already exists"), username=repr(username))
    unit_row = get_or_create_unit(session, unit, synthetic=synthetic)
    user = User(username=username, role=role_value.value, unit_id=unit_row.id,
                password_hash=hash_password(password), full_name=full_name[:200],
                is_synthetic=synthetic)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(N_("no user named {username}"), username=repr(username))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    user = find_user(session, username)
    user.is_active = active
    return user
