"""The round-3 speed-ups change no result: literal-prefix prefilter and the model's word cache."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.offers.catalogue import context_hits, find_matches, is_negated, load_catalogue
from waspada.offers.model import TextModel, char_wb_ngrams, load_model, word_ngrams
from waspada.offers.normalise import normalise
from waspada.offers.prefilter import literal_prefixes, may_match, prefilter_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bfoo\b", ("foo",)),                      # after \b: must start a word
    (r"\b(?:gaji|upah) besar\b", ("gaji", "upah")),
    (r"(?:ab)?cd", ("\0abcd", "\0cd")),          # no \b: anywhere in the text
    (r"\bx+yz", None),          # one "x" is all that is certain: too short to filter
    (r"\bkk+ park", ("kk",)),
    (r"\b\$\d", None),          # one literal character only
    (r"[a-z]+ job", None),      # may start with any letter
    (r"(?i:visa) kerja", None),  # inline flags: not handled, never filtered
    (r"(?<!\w)dubai", None),    # a lookbehind first: not handled
])
def test_literal_prefixes(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert literal_prefixes(re.compile(pattern)) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdkxyz .", max_size=30))
def test_no_prefix_means_no_match(text: str) -> None:
    for p in (r"\bfoo\b", r"(?:ab)?cd", r"\bkk+ park", r"\b(?:ab|cd)(?:x|y)?z", r"\bab|cd\b",
              r"\.ab\b", r"(?<=x)abc"):
        rx = re.compile(p)
        if not may_match(prefilter_for(rx), text):
            assert rx.search(text) is None


def _texts() -> list[str]:
    rows = list(csv.DictReader((ROOT / "data/offers/corpus.csv").open(encoding="utf-8")))
    return [r["text"] for r in rows][:400]


def test_catalogue_matches_are_unchanged_by_the_prefilter() -> None:
    cat = load_catalogue()
    assert sum(i.prefilter is not None for i in cat.indicators) >= 20
    for t in _texts():
        n = normalise(t)
        for ind in cat.indicators:
            if ind.regex is None:
                continue
            plain = [m.span() for m in ind.regex.finditer(n.text) if m.end() > m.start()
                     and not (ind.negatable and is_negated(n.text, m.start()))]
            assert find_matches(ind, n) == plain, (ind.code, t)
        for ctx in cat.contexts:
            plain_n = len({m.group(0) for m in ctx.regex.finditer(n.text)
                           if not is_negated(n.text, m.start())})
            assert context_hits(ctx, n.text) == plain_n, (ctx.name, t)


def test_model_word_cache_gives_the_same_decision_bit_for_bit() -> None:
    model = load_model()
    assert model is not None
    for t in _texts():
        x = normalise(t).text[:4000]
        reference = (model.intercept
                     + TextModel._block_score(model.char, char_wb_ngrams(x))
                     + TextModel._block_score(model.word, word_ngrams(x)))
        assert model.decision(x) == reference
