"""Shared by the offer-engine tests: the catalogue, its codes and contexts, level ranks, and
the word classes found in a text."""
import re
from typing import Any

from hypothesis import strategies as st

from waspada.offers.catalogue import load_catalogue
from waspada.offers.classes import ClassHits, class_spans
from waspada.offers.score import Fired, RuleResult, combine, fuse, level_for

CAT = load_catalogue()
CODES = [i.code for i in CAT.indicators]
CONTEXTS = [c.name for c in CAT.contexts]
RANK = {"low": 0, "medium": 1, "high": 2}
CONTEXT_COUNTS = st.fixed_dictionaries({n: st.integers(0, 6) for n in CONTEXTS})
"""Hypothesis: a count of cue strings for every context of the catalogue."""


def fired(codes: set[str]) -> dict[str, Fired]:
    """Indicators fired with one dummy span each (for scoring without a text)."""
    return {c: Fired(c, [(0, 1)]) for c in codes}


def subset_pair(small: set[str], extra: set[str], contexts: dict[str, int], contact: bool,
                words: int) -> tuple[RuleResult, RuleResult]:
    """The rule results of ``small`` and of ``small | extra`` (the subset property's pair),
    both for a text of ``words`` words."""
    import dataclasses

    def rule(codes: set[str]) -> RuleResult:
        return dataclasses.replace(combine(CAT, fired(codes), contexts, has_contact=contact),
                                   words=words)

    return rule(small), rule(small | extra)


def classes_in(text: str) -> set[str]:
    """The word classes with a match in ``text`` (lower-cased as the engine does)."""
    return set(class_spans(text.lower()))


def assert_floor_never_lowered(hits: ClassHits, bigger: ClassHits, small: set[str],
                               extra: set[str], contexts: dict[str, Any],
                               contact: bool) -> None:
    """More signals (``bigger`` than ``hits``) and more fired indicators (``small | extra``)
    never lower the class floor nor the level."""
    fired_a = {c: Fired(c, [(0, 1)]) for c in small}
    fired_b = {c: Fired(c, [(0, 1)]) for c in small | extra}
    a = combine(CAT, fired_a, contexts, has_contact=contact, classes=hits)
    b = combine(CAT, fired_b, contexts, has_contact=contact, classes=bigger)
    assert b.class_floor >= a.class_floor
    assert RANK[level_for(fuse(b, None))] >= RANK[level_for(fuse(a, None))]


def passages(texts: list[str], n: int = 60) -> set[str]:
    """Every ``n``-character passage of ``texts`` (lower-cased, whitespace runs as one space)."""
    seen: set[str] = set()
    for text in texts:
        t = re.sub(r"\s+", " ", text.lower())
        seen.update(t[i:i + n] for i in range(len(t) - n + 1))
    return seen


def sampled_passages(text: str, n: int = 60) -> set[str]:
    """The ``n``-character passages of ``text`` starting every ten characters (as above)."""
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i:i + n] for i in range(0, max(1, len(t) - n + 1), 10)}
