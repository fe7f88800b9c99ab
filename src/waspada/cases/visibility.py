"""Field-level visibility of case data per role, de-identification and the retention rule (pure).

Case data is grouped; each role sees only the groups it needs:

* ``case``      status, dates, destination, exploitation type, workflow history, referrals —
                what every role with ``cases.read`` sees (de-identified);
* ``identity``  names, birth date, NIK, passport/SPLP numbers of the people in the case;
* ``contact``   phone, e-mail, address of victims and reporters;
* ``narrative`` free text: report summary, comments, event descriptions, transition notes;
* ``sensitive`` assessments, support plans, attachments (health, abuse, documents).

Stores hand plain dicts to :func:`redact_case`; nothing here touches the database.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

CASE, IDENTITY, CONTACT = "case", "identity", "contact"
NARRATIVE, SENSITIVE = "narrative", "sensitive"
ALL_GROUPS = frozenset({CASE, IDENTITY, CONTACT, NARRATIVE, SENSITIVE})

#: role -> groups it may see. Roles not listed see nothing.
ROLE_GROUPS: dict[str, frozenset[str]] = {
    # consular / protection staff run the case: everything
    "protection_officer": ALL_GROUPS,
    # checkpoint and passport officers meet returning victims in person: they need to recognise
    # and check them (identity) and to read the story, but not the family's phone numbers or
    # the victim's health and assessment records
    "checkpoint_officer": frozenset({CASE, IDENTITY, NARRATIVE}),
    "passport_officer": frozenset({CASE, IDENTITY, NARRATIVE}),
    # analysts study patterns (routes, recruiters, destinations) on de-identified cases
    "analyst": frozenset({CASE}),
}

PERSON_FIELDS: dict[str, str] = {
    "first_name": IDENTITY, "middle_name": IDENTITY, "second_name": IDENTITY,
    "full_name": IDENTITY, "birth_date": IDENTITY, "identity_number": IDENTITY,
    "passport_number": IDENTITY,
    "mobile_phone": CONTACT, "email": CONTACT, "mailing_street": CONTACT,
    "mailing_city": CONTACT, "relationship": CONTACT, "role_details": NARRATIVE,
    # HTCDS 2.0 person fields (issue #17): what could single a person out is identity or contact
    "salutation": IDENTITY, "title": IDENTITY, "organisation": IDENTITY,
    "marital_status": IDENTITY, "number_of_children": IDENTITY,
    "home_phone": CONTACT, "mailing_country": CONTACT, "mailing_postal_code": CONTACT,
    "mailing_latitude": CONTACT, "mailing_longitude": CONTACT,
}
CASE_FIELDS: dict[str, str] = {
    "summary": NARRATIVE, "closure_note": NARRATIVE, "incoming_referral_details": NARRATIVE,
}
#: referral fields and the group needed to see them
REFERRAL_FIELDS: dict[str, str] = {"details": NARRATIVE}
#: list-valued parts of a case dict and the group needed to see them (``None``: per item)
CASE_LISTS: dict[str, str] = {
    "comments": NARRATIVE, "assessments": SENSITIVE, "support_plans": SENSITIVE,
    "attachments": SENSITIVE,
}
EVENT_FIELDS: dict[str, str] = {"description": NARRATIVE, "street": CONTACT,
                                "postal_code": CONTACT, "latitude": CONTACT,
                                "longitude": CONTACT}
#: transition values that identify a person (shown only with ``identity``)
TRANSITION_IDENTITY_VALUES = frozenset({"splp_number", "shelter_name"})


def groups_for(role: str | None, *, is_cli: bool = False) -> frozenset[str]:
    if is_cli:
        return ALL_GROUPS
    return ROLE_GROUPS.get(role or "", frozenset())


def age_band(birth: date | None, on: date) -> str | None:
    """A coarse age band (for de-identified views): under 18, 18-24, 25-34, 35-49, 50+."""
    if birth is None:
        return None
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if years < 18:
        return "<18"
    for upper, label in ((24, "18-24"), (34, "25-34"), (49, "35-49")):
        if years <= upper:
            return label
    return "50+"


def pseudonym(person: dict[str, Any]) -> str:
    role = {"victim": "V", "perpetrator": "P", "reporter": "R"}.get(person.get("role", ""), "X")
    return f"{role}-{person.get('id', '?')}"


def redact_person(person: dict[str, Any], groups: frozenset[str], today: date) -> dict[str, Any]:
    out = dict(person)
    birth = person.get("birth_date")
    if isinstance(birth, str):
        birth = date.fromisoformat(birth) if birth else None
    out["age_band"] = age_band(birth, today)
    out["display_name"] = person.get("full_name") if IDENTITY in groups else pseudonym(person)
    for name, group in PERSON_FIELDS.items():
        if group not in groups and name in out:
            out[name] = None
    return out


def redact_case(case: dict[str, Any], groups: frozenset[str], today: date | None = None
                ) -> dict[str, Any]:
    """A copy of ``case`` holding only what ``groups`` may see; ``hidden`` lists the rest."""
    today = today or date.today()
    out = copy.deepcopy(case)
    for name, group in CASE_FIELDS.items():
        if group not in groups and name in out:
            out[name] = None
    out["persons"] = [redact_person(p, groups, today) for p in case.get("persons", ())]
    for name, group in CASE_LISTS.items():
        if group not in groups and name in out:
            out[name] = []
    events = []
    for event in case.get("events", ()):
        e = dict(event)
        for name, group in EVENT_FIELDS.items():
            if group not in groups and name in e:
                e[name] = None
        events.append(e)
    if "events" in out:
        out["events"] = events
    if "referrals" in out:
        out["referrals"] = [{k: (None if REFERRAL_FIELDS.get(k, CASE) not in groups else v)
                             for k, v in r.items()} for r in case.get("referrals", ())]
    history = []
    for step in case.get("history", ()):
        s = dict(step)
        values = dict(s.get("values") or {})
        if NARRATIVE not in groups:
            values.pop("note", None)
            values.pop("closure_note", None)
        if IDENTITY not in groups:
            for key in TRANSITION_IDENTITY_VALUES:
                values.pop(key, None)
        s["values"] = values
        history.append(s)
    if "history" in out:
        out["history"] = history
    out["hidden"] = sorted(ALL_GROUPS - groups)
    return out


# -- retention --------------------------------------------------------------------------------

#: person fields blanked when a closed case is anonymised (everything identifying or contact)
ANONYMISED_PERSON_FIELDS = tuple(PERSON_FIELDS)


def retention_cutoff(now: datetime, older_than_days: int) -> datetime:
    return now - timedelta(days=older_than_days)


def due_for_anonymisation(terminal: bool, closed_at: datetime | None, anonymised: bool,
                          now: datetime, older_than_days: int) -> bool:
    """Closed (terminal) cases are anonymised ``older_than_days`` after closure, once."""
    return (terminal and not anonymised and closed_at is not None
            and closed_at <= retention_cutoff(now, older_than_days))


def anonymised_birth_date(birth: date | None) -> date | None:
    """Keep only the year (1 July) so statistics by age still work."""
    return None if birth is None else date(birth.year, 7, 1)


def suppress_small_counts(counts: dict[str, int], k: int) -> dict[str, int | None]:
    """k-anonymity for published tables (CTDC uses k = 11): cells below k become ``None``."""
    return {key: (value if value >= k or value == 0 else None) for key, value in counts.items()}
