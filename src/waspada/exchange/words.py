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


#: HTCDS picklist and country fields -> the labels kind that puts their codes in words
VALUE_KINDS: dict[str, str] = {
    "prs_Gender": "sex", "prs_MaritalStatus": "htcds_marital",
    "prs_HighestLevelOfEducation": "htcds_education", "prs_PrimaryLanguage": "language",
    "prs_SecondaryLanguage": "language", "vic_TraffickingStatus": "trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "htcds_decision_org",
    "vic_RelationshipToTrafficker": "htcds_relationship",
    "vic_RecruitmentWebsitesAndApps": "htcds_app", "vic_ExploitationWebsitesAndApps": "htcds_app",
    "vic_MethodsOfControl": "htcds_control", "vic_TypeOfExploitation": "exploitation",
    "vic_ForcedLabourIndustry": "htcds_labour_industry",
    "vic_TypeOfSexExploitation": "htcds_sex_exploitation",
    "cas_ReasonForIncomingReferral": "referral_reason",
    "cas_ReasonForOutgoingReferral": "referral_reason", "hte_Type": "event_type",
    "spl_Type": "support_plan", "x_wsp_CompoundType": "compound",
    "x_wsp_PersonRole": "person_role", "x_wsp_ReferralKind": "referral_kind",
    "x_wsp_ReferralStatus": "referral_status", "org_Type": "exchange_org_type",
    "hte_Country": "country", "x_wsp_DestinationCountry": "country",
    "prs_MailingCountry": "country", "org_ShippingCountry": "country"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_")
#: picklists the catalogue has no words for (yet): their codes are shown as the standard's words
_PICKLISTS = frozenset(f.name for f in TABLE.fields if f.type == "picklist")
_ISO_DAY_IN = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def _code_words(name: str, value: str, lang: str) -> str:
    """One value in words: a code through its labels kind (a code without words there, such as
    an app's name, as it is); a code of a picklist the catalogue has no kind for
    (``RecruiterOrIntermediary``) as the standard's own words, spaced; a day as DD-MM-YYYY."""
    kind = VALUE_KINDS.get(name)
    if kind:
        return labels.label(kind, value, lang)
    if (name in _PICKLISTS and value[:1].isascii() and value[:1].isupper()
            and value.replace("_", "").isalnum() and any(c.islower() for c in value)):
        spaced = _CAMEL.sub(" ", value).strip()
        return spaced[:1] + spaced[1:].lower()
    return _days(value)


def value_words(field: str, value: object, lang: str = "id") -> str:
    """A value an inbox preview or a conflict shows, in words (the API keeps the codes):
    picklist codes through the labels catalogue, lists joined, a person added as "Korban: Siti
    …", an event as its type, date, city and country, a support plan as its type."""
    if value is None:
        return "—"
    name = field.split(".", 2)[2] if field.startswith("persons.") and field.count(".") >= 2 \
        else field
    if isinstance(value, list | tuple):
        return ", ".join(value_words(field, v, lang) for v in value) or "—"
    text = str(value)
    if field.startswith("persons.") and field.count(".") == 1:  # "victim: Siti Aminah"
        role, sep, names = text.partition(": ")
        if sep and role in labels.codes("person_role"):
            return f"{labels.label('person_role', role, lang)}: {names}"
        return text
    if name in ("historic_trafficking_events", "support_plans"):
        kinds = {"historic_trafficking_events": ("event_type", "country"),
                 "support_plans": ("support_plan",)}[name]
        return " ".join(_part_words(part, kinds, lang) for part in text.split(" "))
    return _code_words(name, text, lang)


def _part_words(part: str, kinds: tuple[str, ...], lang: str) -> str:
    for kind in kinds:
        if part in labels.codes(kind) or (kind == "country" and len(part) in (2, 3)
                                          and part.isascii() and part.isupper()):
            return labels.label(kind, part, lang)
    return _days(part)


def _days(text: str) -> str:
    """ISO days inside a value (``Supriyadi Wijaya · 2000-03-24``) as DD-MM-YYYY."""
    return _ISO_DAY_IN.sub(lambda d: f"{d[3]}-{d[2]}-{d[1]}", text)


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
