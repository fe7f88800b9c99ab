"""Round 10 (issue #15 item 5, throughput): the faster forms give exactly the old results.

``fastre.fast_scan`` (a word-start pattern rewritten to start with its first characters),
the model's sums over a precomputed idf², and the phone matcher cached per stretch."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.offers.catalogue import load_catalogue
from waspada.offers.classes import load_classes
from waspada.offers.extract import phones_in_segment
from waspada.offers.fastre import Scan, fast_scan
from waspada.offers.model import _Block, char_wb_ngrams, load_model, word_ngrams
from waspada.offers.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]

# Each kind of start the rewrite reads: \b, (?<!\w), another look-behind, an alternation, a
# nested alternation, an optional prefix, a common prefix, a non-word first character.
PATTERNS = [
    r"\bkamboja\b|\bphnom ?penh\b|\bsihanouk ?ville\b",
    r"(?:\bab\b)|(?:\bac)|(?:ba\b)",
    r"(?<!\w)(?:(?:ab c)|(?:a|b)(?:c|d)e|(?:\$|€) ?\d+)(?!\w)",
    r"(?<![\d.,])\b(?:ab|ba)c",
    r"\b(?:the )?(?:a|b)c+",
    r"\b(?:a b)?(?:ab|c)\b",
    r"\ba(?:b|c)|\bb(?:a|c)|\bab",
    r"(?<!\w)(?:a|ab)(?:b|)c",
    r"\b(?:ab|a)(?: \w+){0,2} c",
]
ALPHABET = "abcde $€1.,\n_é"


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_rewrite_applies_and_starts_with_a_literal(pattern: str) -> None:
    rx = re.compile(pattern)
    fast = fast_scan(rx)
    assert fast is not rx
    # re finds the characters a match can start with: no text without them is tried at all
    assert [m.span() for m in fast.finditer("xx ab c ba ab")] == \
        [m.span() for m in rx.finditer("xx ab c ba ab")]


@pytest.mark.parametrize("pattern", [
    r"(\bab)",            # a capturing group: group numbers would be duplicated
    r"(?i)\bab",          # inline flags
    r"\b\d+ ab",          # a class first: no literal character to start with
    r"\b(?:ab)*c",        # a repetition first
    r"\b\$ab",            # \b before a non-word character means something else
    r"ab|cd",             # nothing to move: re already starts with the characters
    r"\b(?=a)ab",         # a look-ahead first
])
def test_patterns_it_cannot_rewrite_are_returned_unchanged(pattern: str) -> None:
    rx = re.compile(pattern)
    assert fast_scan(rx) is rx


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_the_rewrite_finds_the_same_matches(text: str) -> None:
    for p in PATTERNS:
        rx = re.compile(p)
        assert [(m.span(), m.group(0)) for m in fast_scan(rx).finditer(text)] == \
            [(m.span(), m.group(0)) for m in rx.finditer(text)], p


def _texts() -> list[str]:
    rows = list(csv.DictReader((ROOT / "data/offers/corpus.csv").open(encoding="utf-8")))
    return [normalise(r["text"]).text for r in rows]


def test_every_catalogue_and_class_scan_equals_its_regex() -> None:
    cat = load_catalogue()
    pairs = ([(i.code, i.regex, i.scan) for i in cat.indicators if i.regex is not None]
             + [(c.name, c.regex, c.scan) for c in cat.contexts]
             + [(n, w.regex, w.scan) for n, w in load_classes().items()])
    assert sum(scan.any_text is not rx for _, rx, scan in pairs) >= 55  # most are rewritten
    assert sum(scan.ascii_text is not rx for _, rx, scan in pairs) >= 60
    texts = _texts()
    for name, rx, scan in pairs:
        assert scan is not None
        for t in texts:
            assert [m.span() for m in scan.finditer(t)] == [m.span() for m in rx.finditer(t)], \
                (name, t)


def _plain_block_score(block: _Block, grams: list[str]) -> float:
    """The sums as written before round 10 (the reference)."""
    num = 0.0
    den = 0.0
    for g, c in Counter(grams).items():
        j = block.vocab.get(g)
        if j is None:
            continue
        tf = 1.0 + math.log(c) if c > 1 else 1.0
        if c > 1:
            v = tf * block.idf[j]
            den += v * v
            num += tf * block.idf_coef[j]
        else:
            den += block.idf[j] * block.idf[j]
            num += block.idf_coef[j]
    return num / math.sqrt(den) if den else 0.0


def test_model_sums_are_bit_for_bit_the_plain_ones() -> None:
    model = load_model()
    assert model is not None
    texts = _texts()[:400] + ["", "kerja kerja kerja kerja di kamboja gaji gaji"]
    for x in texts:
        x = x[:4000]
        reference = (model.intercept
                     + _plain_block_score(model.char, char_wb_ngrams(x))
                     + _plain_block_score(model.word, word_ngrams(x)))
        assert model.decision(x) == reference


@pytest.mark.parametrize("seg", ["0812-3456-7890", "+62 812 3456 7890", "0812345 0813 4567 8901",
                                 "1234567", "6281234567890"])
def test_phones_in_segment_is_the_matcher(seg: str) -> None:
    plain = [(pm.start, len(pm.raw_string), phonenumbers.format_number(
        pm.number, phonenumbers.PhoneNumberFormat.E164))
        for pm in phonenumbers.PhoneNumberMatcher(seg, "ID", leniency=phonenumbers.Leniency.VALID,
                                                  max_tries=50)]
    for _ in range(2):  # the second call is served from the cache
        got = [(a, n, phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))
               for a, n, num in phones_in_segment(seg)]
        assert got == plain
    assert phones_in_segment("0812-3456-7890")  # a real number is found


# --- normalisation stages (round 10) -------------------------------------------------------

def _old_abbr_re() -> re.Pattern[str]:
    from waspada.offers.normalise import ABBREVIATIONS
    return re.compile(r"(?<![\w@./])(" + "|".join(
        sorted((re.escape(k) for k, v in ABBREVIATIONS.items() if k != v), key=len, reverse=True)
    ) + r")(?![\w@])")


WS_TEXT = st.text(alphabet=" \n\t\r\u00a0ab.@/w", max_size=40)


@settings(max_examples=300, deadline=None)
@given(WS_TEXT)
def test_whitespace_stage_equals_the_plain_one(text: str) -> None:
    from waspada.offers.normalise import _WS_RE, _apply
    n = len(text)
    s, e = list(range(n)), list(range(1, n + 1))

    def repl(m: re.Match[str]) -> tuple[str, None]:
        return ("\n" if "\n" in m.group(0) else " ", None)

    assert _apply(text, s, e, _WS_RE, repl) == _apply(text, s, e, re.compile(r"\s+"), repl)


def test_abbreviations_and_protected_ranges_equal_the_plain_scans() -> None:
    from waspada.offers.normalise import _ABBR_RE, _PROTECT_RE, _protected_ranges
    old = _old_abbr_re()
    texts = [r.lower() for r in _texts()] + ["yg gak tdk", "@yg x/yg", "a.yg", "www.yg.com/yg"]
    for t in texts:
        assert [(m.span(), m.group(0)) for m in _ABBR_RE.finditer(t)] == \
            [(m.span(), m.group(1)) for m in old.finditer(t)], t
        assert _protected_ranges(t) == [m.span() for m in _PROTECT_RE.finditer(t)], t
    assert _protected_ranges("mail a@b.co lalu www.x.id/y") != []


# Classes and repeated characters first: rewritten for ASCII texts only (Scan picks the form).
ASCII_PATTERNS = [
    r"(?<!\w)(?:\d+ ?(?:hari|jt)|gaji \d)(?!\w)",
    r"\b\d{1,3} orang\b|\bkorban\b",
    r"(?<![\d.,])\b[a-c]+ ?\d|\bab",
    r"(?<!\w)(?:[^\W\d]\w* \d|x)",
]


@pytest.mark.parametrize("pattern", ASCII_PATTERNS)
def test_class_first_patterns_have_an_ascii_form_only(pattern: str) -> None:
    rx = re.compile(pattern)
    assert fast_scan(rx) is rx
    assert fast_scan(rx, ascii_text=True) is not rx


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abc12 .,orangkbnhijt\u0663\u0e52é_", max_size=40))
def test_scan_finds_the_same_matches_on_any_text(text: str) -> None:
    for p in ASCII_PATTERNS + PATTERNS:
        rx = re.compile(p)
        assert [(m.span(), m.group(0)) for m in Scan(rx).finditer(text)] == \
            [(m.span(), m.group(0)) for m in rx.finditer(text)], p
