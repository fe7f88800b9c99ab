"""analyse() never raises on arbitrary text, and every span is in range and exact."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waspada.offers import analyse

WORDS = st.sampled_from([
    "Kamboja", "K a m b o j a", "g4j1", "15jt", "$1000/bulan", "tdk", "bilang liburan", "🔥",
    "🇰🇭", "wa.me/6281234567890", "@hr_job", "0812-3456-7890", "paspor ditahan", "ß", "ﬁ",
    "\u200b", "𝐊", "İ", "\n", "  ", ".", "-", "PT Maju", "Co., Ltd", "tidak", "nol delapan",
])
TEXT = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=40).map(" ".join),
                 st.lists(st.one_of(WORDS, st.text(max_size=5)), max_size=40).map("".join))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_never_raises_and_spans_valid(text: str) -> None:
    a = analyse(text)
    assert 0.0 <= a.score <= 1.0
    assert a.level in ("low", "medium", "high")
    for ind in a.indicators:
        for e in ind.evidence:
            assert 0 <= e.start <= e.end <= len(text)
            assert text[e.start : e.end] == e.text
    d = a.entities.to_dict()
    for key in ("phones", "whatsapp", "telegram", "emails", "urls", "places", "companies",
                "amounts"):
        for item in d[key]:
            assert 0 <= item["start"] <= item["end"] <= len(text)
            assert text[item["start"] : item["end"]] == item["text"]
    json.dumps(a.to_dict("id"))
    json.dumps(a.to_dict("en"))
