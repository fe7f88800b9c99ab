"""The case workflow as an explicit state machine (pure; the table is ``workflow.yaml``).

:func:`check_transition` answers "may this role move a case in state X through transition T
with these field values?" and returns the cleaned values or the problems; :func:`due_at` and
:func:`is_overdue` compute deadlines. No database, no web: the store and the interfaces call in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from waspada.cases import limits
from waspada.platform import labels
from waspada.platform.countries import UnknownCountry, country_code
from waspada.platform.i18n import translate

WORKFLOW_FILE = Path(__file__).with_name("workflow.yaml")
INITIAL_STATE = "reported"
TEXT_MAX = limits.TRANSITION_VALUE


@dataclass(frozen=True)
class State:
    code: str
    label: str  # English gettext msgid (pages translate it, the API answers it as is)
    htcds: str
    terminal: bool = False
    deadline_days: int | None = None


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    choices: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class Transition:
    code: str
    label: str  # English gettext msgid
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class Workflow:
    states: dict[str, State]
    transitions: dict[str, Transition]
    closure_reasons: dict[str, str]  # code -> English gettext msgid
    stale_days: int

    def state(self, code: str) -> State:
        return self.states[code]

    def available(self, state: str, role: str | None = None) -> list[Transition]:
        """Transitions leaving ``state`` (for ``role`` only, when given), in table order."""
        return [t for t in self.transitions.values() if state in t.sources
                and (role is None or role in t.roles)]

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(code for code, s in self.states.items() if not s.terminal)

    @property
    def terminal_states(self) -> tuple[str, ...]:
        return tuple(code for code, s in self.states.items() if s.terminal)


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`check_transition`: ``ok`` with cleaned ``values``, or ``problems``."""

    ok: bool
    code: str  # ok | unknown_transition | wrong_state | role_not_allowed | invalid_fields
    target: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


class WorkflowError(ValueError):
    """The workflow table itself is inconsistent (caught by tests and at load)."""


def parse_workflow(data: dict[str, Any]) -> Workflow:
    states = {}
    for row in data["states"]:
        states[row["code"]] = State(row["code"], row["en"], row["htcds"],
                                    bool(row.get("terminal", False)), row.get("deadline_days"))
    transitions = {}
    for row in data["transitions"]:
        fields = tuple(FieldSpec(f["name"], f["type"], tuple(f.get("choices", ())),
                                 bool(f.get("optional", False))) for f in row.get("fields", ()))
        t = Transition(row["code"], row["en"], tuple(row["from"]), row["to"],
                       frozenset(row["roles"]), fields)
        for code in (*t.sources, t.target):
            if code not in states:
                raise WorkflowError(f"transition {t.code} names unknown state {code}")
        if t.code in transitions:
            raise WorkflowError(f"transition {t.code} defined twice")
        transitions[t.code] = t
    reasons = {r["code"]: r["en"] for r in data.get("closure_reasons", ())}
    if INITIAL_STATE not in states:
        raise WorkflowError("the initial state is missing")
    return Workflow(states, transitions, reasons, int(data.get("stale_days", 7)))


@lru_cache(maxsize=1)
def load_workflow() -> Workflow:
    return parse_workflow(yaml.safe_load(WORKFLOW_FILE.read_text(encoding="utf-8")))


def _clean(spec: FieldSpec, raw: object, workflow: Workflow, org_codes: frozenset[str] | None
           ) -> tuple[str | None, str | None]:
    """Return (value, problem) for one field."""
    value = "" if raw is None else str(raw).strip()
    if not value:
        return (None, None) if spec.optional else (None, "required")
    if spec.type == "text":
        return (value[:TEXT_MAX], None) if len(value) <= TEXT_MAX else (None, "too_long")
    if spec.type == "date":
        try:
            return date.fromisoformat(value[:10]).isoformat(), None
        except ValueError:
            return None, "not_a_date"
    if spec.type == "choice":
        return (value, None) if value in spec.choices else (None, "not_a_choice")
    if spec.type == "closure_reason":
        return (value, None) if value in workflow.closure_reasons else (None, "not_a_choice")
    if spec.type == "country":  # a name or an ISO code as typed -> the alpha-2 code
        try:
            return country_code(value), None
        except UnknownCountry:
            return None, "not_a_country"
    if spec.type == "org":
        if org_codes is not None and value not in org_codes:
            return None, "unknown_organisation"
        return value[:32], None
    if spec.type == "case":
        return (value[:32], None) if re.fullmatch(r"[A-Za-z0-9-]{1,32}", value) else (
            None, "not_a_case_reference")
    raise WorkflowError(f"unknown field type {spec.type}")


def check_transition(state: str, transition_code: str, role: str, values: dict[str, object],
                     *, workflow: Workflow | None = None,
                     org_codes: frozenset[str] | None = None) -> Decision:
    """Decide a transition: known, allowed from ``state``, allowed for ``role``, fields valid."""
    wf = workflow or load_workflow()
    t = wf.transitions.get(transition_code)
    if t is None:
        return Decision(False, "unknown_transition")
    if state not in t.sources:
        return Decision(False, "wrong_state", t.target)
    if role not in t.roles:
        return Decision(False, "role_not_allowed", t.target)
    cleaned: dict[str, str] = {}
    problems: dict[str, str] = {}
    for spec in t.fields:
        value, problem = _clean(spec, values.get(spec.name), wf, org_codes)
        if problem:
            problems[spec.name] = problem
        elif value is not None:
            cleaned[spec.name] = value
    if (t.code == "close" and cleaned.get("closure_reason") == "other"
            and not cleaned.get("closure_note")):
        problems["closure_note"] = "required"
    if problems:
        return Decision(False, "invalid_fields", t.target, problems=problems)
    return Decision(True, "ok", t.target, values=cleaned)


def due_at(state: str, entered_at: datetime, last_update_at: datetime,
           workflow: Workflow | None = None) -> datetime | None:
    """When a case in ``state`` becomes overdue: the state's deadline or ``stale_days`` without
    any update, whichever comes first. Terminal states have no deadline."""
    wf = workflow or load_workflow()
    s = wf.states[state]
    if s.terminal:
        return None
    stale = last_update_at + timedelta(days=wf.stale_days)
    if s.deadline_days is None:
        return stale
    return min(stale, entered_at + timedelta(days=s.deadline_days))


def is_overdue(due: datetime | None, now: datetime) -> bool:
    return due is not None and now > due


def _state_words(code: str, lang: str) -> str | None:
    state = load_workflow().states.get(code)
    return translate(state.label, lang) if state is not None else None


def _closure_words(code: str, lang: str) -> str | None:
    reason = load_workflow().closure_reasons.get(code)
    return translate(reason, lang) if reason is not None else None


def _transition_words(code: str, lang: str) -> str | None:
    step = load_workflow().transitions.get(code)
    return translate(step.label, lang) if step is not None else None


# the case states and closure reasons in the one labels catalogue (issue #16, defect 8); a
# step's words for the audit trail ("transition=exit" read as the step's button, r25)
labels.register("case_status", _state_words, lambda: load_workflow().states)
labels.register("closure_reason", _closure_words, lambda: load_workflow().closure_reasons)
labels.register("case_transition", _transition_words, lambda: load_workflow().transitions)
