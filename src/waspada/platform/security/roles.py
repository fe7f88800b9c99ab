"""Roles: codes in English; labels are English gettext message ids (Indonesian in the catalogue)."""

from __future__ import annotations

from enum import StrEnum

from waspada.platform.i18n import N_, gettext, translate


class Role(StrEnum):
    ADMIN = "admin"
    CHECKPOINT_OFFICER = "checkpoint_officer"
    PASSPORT_OFFICER = "passport_officer"
    ANALYST = "analyst"
    PROTECTION_OFFICER = "protection_officer"
    AUDITOR = "auditor"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.CHECKPOINT_OFFICER: N_("Checkpoint officer"),
    Role.PASSPORT_OFFICER: N_("Passport officer"),
    Role.ANALYST: N_("Intelligence analyst"),
    Role.PROTECTION_OFFICER: N_("Protection officer"),
    Role.AUDITOR: N_("Auditor"),
}


def role_label(role: str, lang: str | None = None) -> str:
    """The role's label in ``lang`` (``"en"`` is the message id itself), or in the current
    request's language when ``lang`` is not given; an unknown code is shown as it is."""
    try:
        label = ROLE_LABELS[Role(role)]
    except ValueError:
        return role
    if lang == "en":
        return label
    return translate(label, lang) if lang else gettext(label)
