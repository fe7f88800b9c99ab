"""Guard: every regular expression in src/ scans adversarial text in linear time.

A new pattern with nested or overlapping quantifiers, or one that re-scans a long run
from every start position, fails here (with its name and the input that hurt it) before
it can freeze a server. The patterns are collected, not listed: module-level compiled
patterns, ``re.<func>("literal")`` calls found in the source, and the patterns built
from packaged data (indicator catalogue, gazetteer, passport number pattern).

Each (pattern, input) pair runs ``finditer`` over a size ladder. The budget grows
linearly with the size; a super-linear pattern blows the budget at a small size, so the
test fails fast instead of hanging.
"""

from __future__ import annotations

import re

import pytest

from tests.security.adversarial import all_patterns, battery, best_time, shaped_inputs

SIZES = (20, 500, 2_000, 20_000)  # 20: an exponential pattern fails before it hangs
BATTERIES = {n: battery(n) for n in SIZES}


def budget(n: int) -> float:
    """Seconds allowed for one full ``finditer`` scan of ``n`` characters."""
    return 0.005 + 0.150 * n / 20_000


def _scan(pattern: re.Pattern[str], text: str) -> None:
    for _ in pattern.finditer(text):
        pass


def slow_inputs(pattern: re.Pattern[str], first_only: bool = False) -> list[str]:
    """Inputs on which ``pattern`` exceeds the linear budget (empty when it is linear)."""
    problems: list[str] = []
    shaped = {n: shaped_inputs(pattern, n) for n in SIZES}
    for name in [*BATTERIES[SIZES[0]], *shaped[SIZES[0]]]:
        for n in SIZES:
            text = BATTERIES[n].get(name) or shaped[n][name]
            took = best_time(lambda t=text: _scan(pattern, t), bound=budget(n))
            if took > budget(n):
                problems.append(f"{name} at {n:,} chars: {took * 1000:.0f} ms "
                                f"(budget {budget(n) * 1000:.0f} ms)")
                if first_only:
                    return problems
                break
    return problems


PATTERNS = all_patterns()


def test_the_collector_sees_every_kind_of_pattern() -> None:
    names = set(PATTERNS)
    assert len(PATTERNS) >= 80, len(PATTERNS)
    assert "waspada.offers.normalise._TOKEN_RE" in names
    assert "waspada.offers.extract._COMPANY_SUFFIX_RE" in names
    assert any(n.startswith("indicators.yaml:") for n in names)
    assert "gazetteer.yaml" in names
    assert "classes.yaml:offer" in names  # the offer engine's word classes (round 17)
    assert any(n.startswith("identity/mrz.py:") for n in names)  # re.sub(r"...") literals


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_text(name: str) -> None:
    problems = slow_inputs(PATTERNS[name], first_only=True)
    assert not problems, f"{name} ({PATTERNS[name].pattern[:120]!r}) is super-linear: " + \
        "; ".join(problems)


# The patterns this guard was written against (before the fix): the guard must flag them.
OLD_DEFECTS = {
    "cubic leetspeak token": r"[a-z0-9@$!]*[a-z][a-z0-9@$!]*[0-9@$!][a-z0-9@$!]*|"
                             r"[0-9@$!][a-z0-9@$!]*[a-z][a-z0-9@$!]*",
    "quadratic protected range": r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
                                 r"(?<![\w])@\w+|\b\w+(?:\.\w+)+/\S*",
    "quadratic company suffix": r"((?:[A-Z0-9][\w&'-]*[ \t]+){0,5}[A-Z0-9][\w&'-]*)[ \t]*,?"
                                r"[ \t]+(Ltd\.?|Limited|Inc\.?|Group)(?![\w])",
    "nested quantifier": r"(a+)+$",
}


@pytest.mark.parametrize("label", sorted(OLD_DEFECTS))
def test_guard_flags_known_super_linear_patterns(label: str) -> None:
    assert slow_inputs(re.compile(OLD_DEFECTS[label]), first_only=True), label
