"""Round 12 (issue #15 item 5, throughput): each faster form gives exactly the old result.

The contact patterns are skipped when a substring test proves they cannot match, the
phone-like stretches and the gazetteer are scanned from their first characters
(``fastre.Scan``)."""

from __future__ import annotations

import csv
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

