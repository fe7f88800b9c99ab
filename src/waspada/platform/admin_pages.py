"""Administration pages: users (add, edit role and unit, reset password, enable/disable) and
units (added explicitly, with kind and time zone).

Destructive actions (disable, reset password, a role change) come back as a confirmation page
first; the confirmation is a plain form (``confirmed=1``), so it works without JavaScript. The
rules that keep an administrator in charge (nobody disables or demotes themselves, the last
active administrator stays) are the service's (``security/service.py``), not the page's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Form as FormModel
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.platform.action_labels import policy_label
from waspada.platform.db import utcnow
from waspada.platform.deps import DB, Form, require
from waspada.platform.domain import DomainError
from waspada.platform.formroute import FormRoute, Refused, reshow_with, with_session
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security import service
from waspada.platform.security.policy import POLICY, Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.schemas import UnitIn, UserEditIn, UserIn
from waspada.platform.templating import render
from waspada.platform.timezones import INDONESIAN_ABBREVIATIONS, zone_for_unit_name
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)

#: zones offered in the unit form (any IANA zone is accepted)
ZONE_CHOICES: tuple[str, ...] = tuple(dict.fromkeys(
    [*INDONESIAN_ABBREVIATIONS, *(zone_for_unit_name(city) for city in (
        "phnom penh", "bangkok", "kuala lumpur", "kuching", "manila", "yangon", "vientiane",
        "hanoi", "singapore", "hong kong", "taipei", "tokyo", "seoul", "dubai", "riyadh"))]))

#: said wherever an administrator's action revokes a user's tokens (reset, disable)
TOKENS_REVOKED = N_("This user's API tokens will be revoked.")

#: the user form's fields shown again (never the password)
USER_FIELDS = ("username", "full_name", "role", "unit")


def _users_page(request: Request, db: Session, **extra: object) -> Response:
    return render(request, "admin_users.html",
                  {"users": service.list_users(db), "units": service.list_units(db),
                   "roles": list(Role), "form": {}, "kinds": service.UNIT_KINDS,
                   "zones": ZONE_CHOICES, **extra},
                  status_code=400 if extra.get("error") else 200)


@router.get("/admin/users")
def admin_users(request: Request, db: DB,
                principal: Principal = Depends(require("users.manage"))) -> Response:
    return _users_page(request, db)


def _user_refused(request: Request, db: Session, refused: Refused) -> Response:
    filled = {name: refused.fields.get(name, "") for name in USER_FIELDS}
    return _users_page(request, db, error=refused.message, form=filled)


@router.post("/admin/users")
@reshow_with(with_session(_user_refused), UserIn)
def admin_users_add(request: Request, db: DB, data: Annotated[UserIn, FormModel()],
                    principal: Principal = Depends(require("users.manage"))) -> Response:
    try:
        service.add_user(db, principal, data)  # an existing unit only: chosen from the list
    except DomainError as exc:
        db.rollback()
        shown = data.model_dump()
        return _users_page(request, db, error=exc.localized(_),
                           form={name: str(shown[name]) for name in USER_FIELDS})
    return RedirectResponse("/admin/users", status_code=303)


# -- one user ---------------------------------------------------------------------------------

def _user_page(request: Request, db: Session, user_id: int, *, status: int = 200,
               **extra: object) -> Response:
    row = service.get_user(db, user_id)
    abilities = [policy_label(action) for action, roles in POLICY.items() if row.role in roles]
    return render(request, "admin_user.html",
                  {"row": row, "units": service.list_units(db), "roles": list(Role),
                   "abilities": abilities, "tokens": service.list_user_tokens(db, user_id),
                   "now": utcnow(), **extra},
                  status_code=400 if extra.get("error") else status)


@router.get("/admin/users/{user_id}")
def admin_user(request: Request, user_id: IdPath, db: DB,
               principal: Principal = Depends(require("users.manage"))) -> Response:
    return _user_page(request, db, user_id)


def _confirm(request: Request, *, action: str, question: str, fields: dict[str, str],
             danger: bool, back: str) -> Response:
    return render(request, "confirm.html", {"action": action, "question": question,
                                            "fields": fields, "danger": danger, "back": back})


def _edit_refused(request: Request, db: Session, refused: Refused) -> Response:
    user_id = int(request.path_params["user_id"])
    return _user_page(request, db, user_id, error=refused.message)


@router.post("/admin/users/{user_id}/edit")
@reshow_with(with_session(_edit_refused), UserEditIn)
def admin_user_edit(request: Request, user_id: IdPath, db: DB,
                    data: Annotated[UserEditIn, FormModel()], form: Form,
                    principal: Principal = Depends(require("users.manage"))) -> Response:
    row = service.get_user(db, user_id)
    if data.role != row.role and form.get("confirmed") != "1":
        from waspada.platform.security.roles import role_label

        return _confirm(request, action=f"/admin/users/{user_id}/edit", danger=True,
                        back=f"/admin/users/{user_id}",
                        question=_("Change the role of %(user)s from %(old)s to %(new)s? "
                                   "What they may see and do changes at their next request.",
                                   user=row.username, old=role_label(row.role),
                                   new=role_label(data.role)) + " " + _(TOKENS_REVOKED),
                        fields={"role": data.role, "unit_id": str(data.unit_id)})
    if (data.unit_id != row.unit_id and form.get("confirmed") != "1"
            and service.has_live_tokens(db, row.id)):
        return _confirm(request, action=f"/admin/users/{user_id}/edit", danger=True,
                        back=f"/admin/users/{user_id}",
                        question=_("Move %(user)s to another unit? What they may see changes "
                                   "at their next request.", user=row.username)
                        + " " + _(TOKENS_REVOKED),
                        fields={"role": data.role, "unit_id": str(data.unit_id)})
    try:
        service.edit_user(db, principal, user_id, data)
    except DomainError as exc:
        db.rollback()
        return _user_page(request, db, user_id, error=exc.localized(_))
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)


@router.post("/admin/users/{user_id}/active")
def admin_users_active(request: Request, user_id: IdPath, db: DB, form: Form,
                       principal: Principal = Depends(require("users.manage"))) -> Response:
    active = form.get("active", "0") == "1"
    row = service.get_user(db, user_id)
    if not active and form.get("confirmed") != "1":
        return _confirm(request, action=f"/admin/users/{user_id}/active", danger=True,
                        back="/admin/users",
                        question=_("Disable %(user)s? They are signed out at once and can no "
                                   "longer sign in; their API tokens stop working.",
                                   user=row.username) + " " + _(TOKENS_REVOKED),
                        fields={"active": "0"})
    try:
        service.set_active(db, principal, user_id, active)
    except DomainError as exc:
        db.rollback()
        return _users_page(request, db, error=exc.localized(_))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/password")
def admin_user_password(request: Request, user_id: IdPath, db: DB, form: Form,
                        principal: Principal = Depends(require("users.manage"))) -> Response:
    row = service.get_user(db, user_id)
    if form.get("confirmed") != "1":
        return _confirm(request, action=f"/admin/users/{user_id}/password", danger=True,
                        back=f"/admin/users/{user_id}",
                        question=_("Reset the password of %(user)s? Their open sessions end; "
                                   "you will see a temporary password once, and they must "
                                   "choose their own at the next sign-in.", user=row.username)
                        + " " + _(TOKENS_REVOKED),
                        fields={})
    _row, temporary = service.reset_password_temporary(db, principal, user_id)
    return _user_page(request, db, user_id, temporary=temporary)


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke")
def admin_user_token_revoke(request: Request, user_id: IdPath, token_id: IdPath, db: DB,
                            form: Form, principal: Principal = Depends(require("users.manage"))
                            ) -> Response:
    row = service.get_user(db, user_id)
    if form.get("confirmed") != "1":
        return _confirm(request, action=f"/admin/users/{user_id}/tokens/{token_id}/revoke",
                        danger=True, back=f"/admin/users/{user_id}",
                        question=f"{row.username}: " + _(
                            "Revoke this API token? Scripts that use it stop working at once."),
                        fields={})
    revoked = service.revoke_user_token(db, principal, user_id, token_id)
    return RedirectResponse(f"/admin/users/{user_id}?token_revoked={int(revoked)}",
                            status_code=303)


# -- units -------------------------------------------------------------------------------------

def _unit_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _users_page(request, db, error=refused.message,
                       unit_form={name: refused.fields.get(name, "")
                                  for name in ("name", "kind", "time_zone")})


@router.post("/admin/units")
@reshow_with(with_session(_unit_refused), UnitIn)
def admin_units_add(request: Request, db: DB, data: Annotated[UnitIn, FormModel()],
                    principal: Principal = Depends(require("units.manage"))) -> Response:
    try:
        service.add_unit(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _users_page(request, db, error=exc.localized(_),
                           unit_form={"name": data.name, "kind": data.kind,
                                      "time_zone": data.time_zone})
    return RedirectResponse("/admin/users", status_code=303)
