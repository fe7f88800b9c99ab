"""What the case page's HTCDS forms offer (pure): the fields of the case's and the persons'
HTCDS 2.0 details, the choices of each picklist (read from the field table,
``htcds_fields.yaml``) and the label kind that puts each code in words (``platform/labels``)."""

from __future__ import annotations

from waspada.cases.htcds_fields import TABLE

#: case-level picklist fields (and the trafficking status) -> the label kind of their values
CASE_KINDS: dict[str, str] = {
    "trafficking_status": "trafficking_status", "status_decision_org": "htcds_decision_org",
    "relationship_to_trafficker": "htcds_relationship", "recruitment_apps": "htcds_app",
    "control_methods": "htcds_control", "forced_labour_industry": "htcds_labour_industry",
    "sex_exploitation_type": "htcds_sex_exploitation", "exploitation_apps": "htcds_app",
    "incoming_referral_reason": "referral_reason",
}
#: multi-select case fields (a list; none ticked clears the field)
CASE_MULTI: tuple[str, ...] = ("recruitment_apps", "control_methods", "sex_exploitation_type",
                               "exploitation_apps")
#: person picklist fields -> the label kind of their values
PERSON_KINDS: dict[str, str] = {"marital_status": "htcds_marital", "education": "htcds_education",
                                "primary_language": "language", "secondary_language": "language"}
#: the ISO 639-1 languages offered (the field takes any ISO 639 code through the API)
LANGUAGES: tuple[str, ...] = ("id", "jv", "su", "ms", "en", "km", "my", "lo", "th", "vi", "zh",
                              "tl", "ar")
_SOURCES = {f.source: f for obj in ("Case", "Victim", "Person", "Perpetrator")
            for f in TABLE.of(obj) if f.source}


def choices(field: str) -> tuple[str, ...]:
    """The values the form offers for ``field`` (a case or person source name)."""
    if field in ("primary_language", "secondary_language"):
        return LANGUAGES
    return tuple(_SOURCES[field].allowed)


def htcds_name(field: str) -> str:
    """The HTCDS field a form field fills (``status_decision_org`` ->
    ``vic_TraffickingStatusDecisionMakingOrg``)."""
    return _SOURCES[field].name if field in _SOURCES else field


def source_of(htcds: str) -> str | None:
    """The form field of an HTCDS field name (for a refusal naming the HTCDS field)."""
    return next((name for name, f in _SOURCES.items() if f.name == htcds), None)


def form_choices() -> dict[str, tuple[str, ...]]:
    return {name: choices(name) for name in (*CASE_KINDS, *PERSON_KINDS)}
