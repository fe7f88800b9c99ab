"""Field-level policy (pure): what each partner organisation may receive (``field_policy.yaml``).

:func:`filter_record` keeps only the listed fields of an HTCDS record; whatever is not listed
never leaves. Case comments, consents and referrals between other organisations are never
sent (they are this installation's own working notes and decisions).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

POLICY_FILE = Path(__file__).with_name("field_policy.yaml")
PURPOSES = ("services", "verification", "law_enforcement")
#: fields every person sent carries (to apply updates), whatever the profile
PERSON_ALWAYS = ("x_wsp_PersonRole", "x_wsp_GlobalId")
ROLES = ("victim", "perpetrator", "reporter")


@dataclass(frozen=True)
class Profile:
    name: str
    purpose: str
    case: frozenset[str]
    persons: dict[str, frozenset[str]]
    events: frozenset[str]
    support_plans: frozenset[str]


@lru_cache(maxsize=1)
def profiles() -> dict[str, Profile]:
    raw = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    out: dict[str, Profile] = {}
    for name, spec in raw["profiles"].items():
        if spec["purpose"] not in PURPOSES:
            raise ValueError(f"field_policy.yaml: {name}: unknown purpose {spec['purpose']}")
        out[name] = Profile(name=name, purpose=spec["purpose"],
                            case=frozenset(spec.get("case") or ()),
                            persons={role: frozenset(spec.get(role) or ()) for role in ROLES},
                            events=frozenset(spec.get("events") or ()),
                            support_plans=frozenset(spec.get("support_plans") or ()))
    if "default" not in out:
        raise ValueError("field_policy.yaml needs a default profile")
    return out


def profile_for(organisation: str | None) -> Profile:
    """The profile of a partner organisation; ``default`` for one not reviewed."""
    table = profiles()
    return table.get(organisation or "", table["default"])


def _only(item: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k in allowed}


def filter_record(record: dict[str, Any], organisation: str | None) -> dict[str, Any]:
    """The HTCDS record as ``organisation`` may receive it."""
    profile = profile_for(organisation)
    out = _only(record, profile.case)
    persons = []
    for person in record.get("persons", ()):
        allowed = profile.persons.get(person.get("x_wsp_PersonRole") or "", frozenset())
        if allowed:
            persons.append(_only(person, allowed | frozenset(PERSON_ALWAYS)))
    if persons:
        out["persons"] = persons
    if profile.events:
        events = [e for e in (_only(e, profile.events)
                              for e in record.get("historic_trafficking_events", ())) if e]
        if events:
            out["historic_trafficking_events"] = events
    if profile.support_plans:
        plans = [p for p in (_only(p, profile.support_plans)
                             for p in record.get("support_plans", ())) if p]
        if plans:
            out["support_plans"] = plans
    return out
