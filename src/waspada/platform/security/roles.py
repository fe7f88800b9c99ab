"""Roles: codes in English, labels in Indonesian and English."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CHECKPOINT_OFFICER = "checkpoint_officer"
    PASSPORT_OFFICER = "passport_officer"
    ANALYST = "analyst"
    PROTECTION_OFFICER = "protection_officer"
    AUDITOR = "auditor"


ROLE_LABELS: dict[Role, dict[str, str]] = {
    Role.ADMIN: {"id": "Administrator", "en": "Administrator"},
    Role.CHECKPOINT_OFFICER: {"id": "Petugas TPI", "en": "Checkpoint officer"},
    Role.PASSPORT_OFFICER: {"id": "Petugas Paspor (Kantor Imigrasi)", "en": "Passport officer"},
    Role.ANALYST: {"id": "Analis Intelijen Keimigrasian", "en": "Intelligence analyst"},
    Role.PROTECTION_OFFICER: {"id": "Petugas Pelindungan WNI", "en": "Protection officer"},
    Role.AUDITOR: {"id": "Auditor", "en": "Auditor"},
}


def role_label(role: str, lang: str = "id") -> str:
    try:
        return ROLE_LABELS[Role(role)][lang]
    except (ValueError, KeyError):
        return role
