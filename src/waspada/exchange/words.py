"""Exchange codes in words for the pages (pure): the fields an inbox preview or a conflict
names, and the reasons a delivery failed. The API and the CLI keep the codes; a page shows the
words with the code beside them where an administrator may need it for support."""

from __future__ import annotations

import re
from collections.abc import Callable

from waspada.cases.htcds_fields import TABLE
from waspada.platform import labels
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_

#: the purposes a victim consents to (gettext ids: pages show them in the viewer's language)
PURPOSES = {"services": N_("Referral for services"),
            "verification": N_("Citizenship verification"),
            "law_enforcement": N_("Law enforcement")}
_HTCDS_LABELS = {f.name: f.label for f in TABLE.fields}
_HTTP = re.compile(r"^HTTP (\d{3})(?: (\w+))?$")


def _field(name: str, lang: str) -> str:
    words = labels.label("exchange_field", name, lang)
    if words != name:
        return words
    # a field without Indonesian words yet: the standard's own (English) name
    return _HTCDS_LABELS.get(name, name)


def change_label(field: str, lang: str = "id") -> str:
    """``persons.<global id>.prs_FirstName`` -> "Orang: Nama depan"; ``cas_CaseOwner`` ->
    "Petugas penanggung jawab kasus"; ``possible_duplicate_of`` -> words; anything else as it
    is (never dropped)."""
    if field.startswith("persons."):
        parts = field.split(".", 2)
        if len(parts) == 2:
            return labels.label("exchange_change", "persons", lang)
        return f"{labels.label('exchange_change', 'person', lang)}: {_field(parts[2], lang)}"
    words = labels.label("exchange_change", field, lang)
    return words if words != field else _field(field, lang)


def error_words(reason: str | None, lang: str = "id") -> str:
    """A delivery failure reason as recorded (``HTTP 403 unknown_partner``, ``ConnectError``,
    ``already received by the partner``) in words, the code kept in brackets."""
    if not reason:
        return ""
    if reason == "already received by the partner":
        return labels.label("exchange_error", "already", lang)
    match = _HTTP.match(reason)
    if match:
        status, code = match.groups()
        if code and labels.label("exchange_error", code, lang) != code:
            return f"{labels.label('exchange_error', code, lang)} ({reason})"
        if status == "429":
            return f"{labels.label('exchange_error', 'rate_limited', lang)} ({reason})"
        return reason
    if reason.endswith(": no answer from the partner"):
        kind = reason.split(":", 1)[0]
        return f"{labels.label('exchange_error', 'unreachable', lang)} ({kind})"
    return reason


def localized(exc: DomainError, gettext: Callable[[str], str]) -> str:
    """``exc.localized`` with a consent purpose in words ("untuk verifikasi kewarganegaraan",
    not "untuk verification")."""
    purpose = exc.params.get("purpose")
    if purpose in PURPOSES:
        words = gettext(PURPOSES[purpose])
        params = dict(exc.params, purpose=words[:1].lower() + words[1:])
        return gettext(exc.message).format(**params)
    return exc.localized(gettext)
