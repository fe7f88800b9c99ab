"""The workflow state machine (pure): every allowed and refused transition, fields, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from waspada.cases.workflow import (
    INITIAL_STATE,
    WorkflowError,
    check_transition,
    due_at,
    is_overdue,
    load_workflow,
    parse_workflow,
)
from waspada.platform.i18n import translate
from waspada.platform.security.roles import Role

WF = load_workflow()


def translated(msgid: str) -> bool:
    """Labels are English gettext msgids with an Indonesian translation."""
    return translate(msgid, "id") != msgid

#: valid field values per field type, to exercise the "allowed" side of the matrix
SAMPLE = {"text": "catatan", "date": "2026-01-15", "country": "KH", "org": "KP2MI",
          "case": "WSP-2026-000001", "closure_reason": "reintegrated"}


def _values(code: str) -> dict[str, str]:
    out = {}
    for spec in WF.transitions[code].fields:
        out[spec.name] = spec.choices[0] if spec.type == "choice" else SAMPLE[spec.type]
    return out


MATRIX = [(state, code, role.value) for state in WF.states for code in WF.transitions
          for role in Role]


@pytest.mark.parametrize(("state", "code", "role"), MATRIX)
def test_every_transition_for_every_state_and_role(state: str, code: str, role: str) -> None:
    t = WF.transitions[code]
    decision = check_transition(state, code, role, _values(code),
                                org_codes=frozenset({"KP2MI"}))
    if state not in t.sources:
        assert (decision.ok, decision.code) == (False, "wrong_state")
    elif role not in t.roles:
        assert (decision.ok, decision.code) == (False, "role_not_allowed")
    else:
        assert decision.ok, decision
        assert decision.target == t.target


def test_the_happy_path_reaches_repatriation_and_closure() -> None:
    path = ["verify", "locate", "exit", "shelter", "verify_citizenship", "issue_splp",
            "repatriate", "hand_over", "start_reintegration", "close"]
    state = INITIAL_STATE
    for code in path:
        decision = check_transition(state, code, "protection_officer", _values(code),
                                    org_codes=frozenset({"KP2MI"}))
        assert decision.ok, (state, code, decision)
        state = decision.target
    assert state == "closed" and WF.states[state].terminal


def test_required_fields_are_enforced() -> None:
    missing = check_transition("citizenship_verified", "issue_splp", "protection_officer", {})
    assert missing.code == "invalid_fields"
    assert missing.problems == {"splp_number": "required", "splp_issued_on": "required"}
    bad = check_transition("citizenship_verified", "issue_splp", "protection_officer",
                           {"splp_number": "X1", "splp_issued_on": "15/01/2026"})
    assert bad.problems == {"splp_issued_on": "not_a_date"}
    choice = check_transition("verified", "exit", "protection_officer",
                              {"exit_date": "2026-01-01", "exit_mode": "teleported"})
    assert choice.problems == {"exit_mode": "not_a_choice"}
    org = check_transition("repatriated", "hand_over", "checkpoint_officer",
                           {"handover_to": "NOPE", "handover_date": "2026-01-01"},
                           org_codes=frozenset({"KP2MI"}))
    assert org.problems == {"handover_to": "unknown_organisation"}
    long = check_transition("reported", "verify", "protection_officer",
                            {"trafficking_status": "PossibleVictimOfTrafficking", "note": "x" * 501})
    assert long.problems == {"note": "too_long"}
    other = check_transition("reintegration", "close", "protection_officer",
                             {"closure_reason": "other"})
    assert other.problems == {"closure_note": "required"}
    assert check_transition("reported", "fly_away", "admin", {}).code == "unknown_transition"


def test_table_is_consistent_and_labelled() -> None:
    for state in WF.states.values():
        assert state.label and translated(state.label), state.label
        assert state.htcds in ("Active", "FollowUp", "Closed", "ClosedReferred")
    for t in WF.transitions.values():
        assert t.label and translated(t.label) and t.roles
    for label in WF.closure_reasons.values():
        assert translated(label), label
    # every non-terminal state has a way forward for the protection officer
    for code in WF.open_states:
        assert WF.available(code, "protection_officer"), code
    assert {"closed", "not_a_victim", "duplicate"} <= set(WF.terminal_states)
    with pytest.raises(WorkflowError):
        parse_workflow({"states": [{"code": "reported", "id": "a", "en": "a", "htcds": "Active"}],
                        "transitions": [{"code": "x", "id": "x", "en": "x", "from": ["reported"],
                                         "to": "nowhere", "roles": ["admin"]}]})


def test_deadlines_and_overdue() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # "reported" must be verified within 2 days
    assert due_at("reported", start, start) == start + timedelta(days=2)
    # a long-deadline state still goes overdue after 7 days without any update
    assert due_at("reintegration", start, start) == start + timedelta(days=7)
    assert due_at("reintegration", start, start + timedelta(days=5)) == start + timedelta(days=12)
    assert due_at("closed", start, start) is None
    assert is_overdue(start, start + timedelta(seconds=1))
    assert not is_overdue(None, start)
