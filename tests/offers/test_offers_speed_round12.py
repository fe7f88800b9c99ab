"""Round 12 (issue #15 item 5, throughput): each faster form gives exactly the old result.

The contact patterns are skipped when a substring test proves they cannot match, the
phone-like stretches and the gazetteer are scanned from their first characters
(``fastre.Scan``)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.offers import extract as X
from waspada.offers.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]

# Pieces of contacts, in both cases, with the non-ASCII letters re.IGNORECASE also matches
# to ASCII ones (ı İ ſ K): a guard that tested one of i, k, s in the lower-case text would
# miss "WhatſApp.com/ſend" or "wa.lİnk/".
CONTACT_PIECES = [
    "wa.me/", "WA.ME/", "whatsapp.com/send?phone=", "WhatſApp.com/ſend/?phone=", "api.",
    "chat.whatsapp.com/", "invite/", "wa.link/", "WA.LİNK/", "wa.lınk/", "t.me/", "T.ME/",
    "telegram.me/", "joinchat/", "+", "@", "user_Kſ", "abcdefgh", "ıİ", "6281234567890",
    "0812-3456-789", "https://", "http://", "www.", "WWW.", "ex", ".", ".com", ".Co", ".K",
    ".ſ", "/", "?", " ", "\n", "-", "_", "mail", "1", "Rp.", "x",
]


def _texts() -> list[str]:
    rows = list(csv.DictReader((ROOT / "data/offers/corpus.csv").open(encoding="utf-8")))
    return [r["text"] for r in rows][:500]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(CONTACT_PIECES), max_size=12).map("".join))
def test_a_contact_guard_is_false_only_when_its_pattern_cannot_match(text: str) -> None:
    low = text.lower()
    for rx, guard in X._CONTACT_GUARDS.items():
        if not guard(text, low):
            assert rx.search(text) is None, (rx.pattern, text)


def _contacts(text: str) -> X.Entities:
    ents = X.Entities()
    X.extract_contacts(normalise(text), ents)
    return ents


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CONTACT_PIECES), max_size=12).map("".join))
def test_contacts_are_the_same_as_without_the_guards(text: str) -> None:
    fast = _contacts(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(X, "_CONTACT_GUARDS", {rx: (lambda t, low: True) for rx in X._CONTACT_GUARDS})
        plain = _contacts(text)
    assert fast == plain


def test_contacts_of_the_corpus_are_the_same_as_without_the_guards() -> None:
    texts = _texts()
    fast = [_contacts(t) for t in texts]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(X, "_CONTACT_GUARDS", {rx: (lambda t, low: True) for rx in X._CONTACT_GUARDS})
        plain = [_contacts(t) for t in texts]
    assert fast == plain
    assert sum(bool(e.phones or e.urls or e.emails or e.whatsapp) for e in fast) > 20


def test_the_guards_skip_the_contact_patterns_on_plain_text() -> None:
    text = "Dicari admin kerja di luar negeri, gaji 15 juta. Tanpa pengalaman, hubungi kami."
    assert not any(g(text, text.lower()) for g in X._CONTACT_GUARDS.values())
    e = _contacts("Info: wa.me/6281234567890, t.me/agen_kerja, admin@example.com, www.x.id")
    assert e.whatsapp and e.telegram and e.emails and e.urls


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+ -.()\t\nab١", max_size=40))
def test_phone_like_stretches_are_the_same_as_the_plain_pattern(text: str) -> None:
    assert ([m.span() for m in X._PHONEISH.finditer(text)]
            == [m.span() for m in X._PHONEISH_RE.finditer(text)])


def _places_plain(text: str) -> list[dict[str, object]]:
    """The old extract_places: the gazetteer pattern with its group, as it is."""
    pat, amap = X._gazetteer()
    n = normalise(text)
    out = []
    for m in pat.finditer(n.text):
        a, b = n.span(m.start(), m.end())
        out.append({**amap[m.group(1)], "start": a, "end": b, "text": n.original[a:b]})
    return out


def test_places_are_the_same_as_with_the_plain_gazetteer_pattern() -> None:
    aliases = list(X._gazetteer()[1])
    texts = [*_texts(), " ".join(aliases), "x".join(aliases), "é " + " ".join(aliases[:50])]
    found = 0
    for t in texts:
        fast = X.extract_places(normalise(t))
        assert fast == _places_plain(t), t
        found += len(fast)
    assert found > 100


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["kamboja", "myanmar", "phnom penh", "dubai", "x", " ", "é",
                                 "_", "1", "-", "bavet", "thailand"]), max_size=10).map("".join))
def test_places_of_any_text_are_the_same(text: str) -> None:
    assert X.extract_places(normalise(text)) == _places_plain(text)



# --- matches read at the word starts (prefilter.matches_at_word_starts) ---------------------

from waspada.offers import prefilter as PF  # noqa: E402
from waspada.offers.catalogue import load_catalogue  # noqa: E402
from waspada.offers.classes import load_classes  # noqa: E402


def test_word_starts_says_where_each_string_starts_a_word() -> None:
    ws = PF.word_starts("gaji besar, gajinya x")
    assert isinstance(ws, frozenset)
    assert ws == frozenset({"ga", "gaj", "gaji", "be", "bes", "besa", "x"})
    assert ws.at["gaji"] == [0, 12]
    assert ws.at["bes"] == [5]
    assert ws.at["x"] == [20, 20, 20]  # shorter than 2 at the end: the same string thrice


def _all_patterns() -> list[tuple[str, re.Pattern[str], PF.Prefilter | None]]:
    cat = load_catalogue()
    out = [(i.code, i.regex, i.prefilter) for i in cat.indicators if i.regex is not None]
    out += [(c.name, c.regex, c.prefilter) for c in cat.contexts]
    out += [(n, w.regex, w.prefilter) for n, w in load_classes().items()]
    return out


def _same_as_finditer(text: str) -> int:
    starts = PF.word_starts(text)
    read = 0
    for name, rx, pf in _all_patterns():
        got = PF.matches_at_word_starts(rx, pf, text, starts)
        if got is None:
            continue
        read += 1
        assert [(m.span(), m.group(0)) for m in got] == [
            (m.span(), m.group(0)) for m in rx.finditer(text)], (name, text)
    return read


def test_matches_at_word_starts_are_the_scans_on_the_corpus() -> None:
    read = found = 0
    for t in _texts():
        n = normalise(t).text
        read += _same_as_finditer(n)
        found += sum(bool(rx.search(n)) for _, rx, _ in _all_patterns()[:10])
    assert read > 20 * len(_texts())  # most patterns take the fast path
    assert found > 100


_WORDS = sorted({w for t in _texts()[:150] for w in normalise(t).text.split()})[:3000]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25),
       st.lists(st.sampled_from([" ", " ", ". ", "\n", ",", "-", "x", "1", "é "]), min_size=25,
                max_size=25))
def test_matches_at_word_starts_are_the_scans_on_any_mix_of_words(
        words: list[str], seps: list[str]) -> None:
    _same_as_finditer("".join(w + s for w, s in zip(words, seps, strict=False)))


def test_look_behind_and_boundary_see_the_text_before_the_candidate() -> None:
    rx = re.compile(r"(?<!\w)ab|\bcd")
    pf = PF.prefilter_for(re.compile(r"\b(?:ab|cd)"))
    text = "xab ab xcd cd abab"
    got = PF.matches_at_word_starts(rx, pf, text, PF.word_starts(text))
    assert got is not None
    assert [m.span() for m in got] == [m.span() for m in rx.finditer(text)] == [
        (4, 6), (11, 13), (14, 16)]


def test_matches_at_word_starts_falls_back_when_it_cannot_prove_the_result() -> None:
    text = "gaji " * (PF.MAX_CANDIDATES + 1)
    starts = PF.word_starts(text)
    rx = re.compile(r"\bgaji\b")
    pf = PF.prefilter_for(rx)
    assert PF.matches_at_word_starts(rx, pf, text, starts) is None  # too many candidates
    assert PF.matches_at_word_starts(rx, pf, "gaji", frozenset({"ga", "gaj", "gaji"})) is None
    assert PF.matches_at_word_starts(rx, None, text, starts) is None
    maybe_empty = re.compile(r"\bgaji\b|(?=z)")
    assert PF.matches_at_word_starts(maybe_empty, pf, "gaji", PF.word_starts("gaji")) is None
    anywhere = re.compile(r"(?:ab)?cd")
    assert PF.matches_at_word_starts(anywhere, PF.prefilter_for(anywhere), "xcd",
                                     PF.word_starts("xcd")) is None
    assert PF.matches_at_word_starts(rx, pf, "upah", PF.word_starts("upah")) == ()


def test_class_evidence_read_at_the_word_starts_is_the_scans() -> None:
    from waspada.offers.analyse import _class_evidence, analyse
    from waspada.offers.classes import SIGNAL_CLASSES

    signals = ("high_pay", *SIGNAL_CLASSES)
    with_evidence = 0
    for t in _texts():
        n = normalise(t)
        fast = _class_evidence(n.text, n.original, signals, PF.word_starts(n.text))
        assert fast == _class_evidence(n.text, n.original, signals), t
        with_evidence += bool(fast)
        a = analyse(t)
        assert a.class_evidence == _class_evidence(
            n.text, n.original, a.offer_abroad or a.offer_told)
    assert with_evidence > 100
