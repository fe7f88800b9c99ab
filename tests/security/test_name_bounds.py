"""Names in other scripts and absurd lengths cost bounded work (round 17 security pass).

Hangul blocks and Chinese characters are one token each (``identity/phonetic.py``), so a
300-character watchlist name in Hangul is 300 tokens, and the name alignment compares every
token of one name with every token of the other. Before ``features.MAX_NAME_TOKENS`` one watchlist
search with such entries took 2 s of CPU (a yente batch may run 2,000 searches); the
word-by-word partial-name search (``namesearch.name_match``) took 0.1 s per row of a
20,000-row scan. Times are CPU seconds, best of 3 (``tests/security/adversarial.py``).
"""

from __future__ import annotations

import random

import pytest

from tests.security.adversarial import best_time
from waspada.identity.names import clear_caches, parse_name
from waspada.matching import features
from waspada.matching.features import name_features, name_similarity
from waspada.matching.index import WatchlistIndex
from waspada.matching.namesearch import name_match
from waspada.matching.records import PersonRecord

N = 100_000


def _hangul(rng: random.Random, n: int, alphabet: int = 40) -> str:
    return "".join(chr(0xAC00 + rng.randrange(alphabet)) for _ in range(n))


def test_watchlist_search_with_long_hangul_names_is_bounded() -> None:
    rng = random.Random(4)
    recs = [PersonRecord(f"h{i}", _hangul(rng, 300)) for i in range(300)]
    recs += [PersonRecord(f"n{i}", f"Siti Aminah {i}") for i in range(200)]
    idx = WatchlistIndex.build(recs)
    query = PersonRecord("q", _hangul(rng, 500))
    t = best_time(lambda: idx.search(query, top=5, threshold=0.0), bound=0.2)
    assert t < 0.2, f"one watchlist search took {t:.2f} s CPU (before the bound: 2 s)"


def test_long_names_compare_in_bounded_time_and_short_ones_are_unchanged() -> None:
    rng = random.Random(5)
    a, b = _hangul(rng, 500), _hangul(rng, 500)
    latin = " ".join("a" for _ in range(250))
    for x, y in ((a, b), (latin, latin), (a, latin)):
        t = best_time(lambda x=x, y=y: name_similarity(x, y), bound=0.01)
        assert t < 0.01, f"{t * 1000:.0f} ms for one name comparison"
    assert len(name_features(a)[0]) == features.MAX_NAME_TOKENS
    # the bound never touches a real name
    assert name_similarity("김정은", "김정은") == 1.0
    assert name_similarity("Muhammad Rizky bin Ahmad", "Moh. Rizki bin Achmad") > 0.8
    long_real = "Raden Mas Haji Muhammad Abdul Rahman Saleh Wijaya Kusuma bin Ahmad"
    assert len(name_features(long_real)[0]) < features.MAX_NAME_TOKENS


def test_partial_name_search_is_bounded() -> None:
    query = " ".join("a" for _ in range(50))  # 100 characters: the search box's limit
    name = " ".join(chr(97 + i % 26) for i in range(150))
    clear_caches()
    t = best_time(lambda: name_match(query, name), bound=0.01)
    assert t < 0.01, f"name_match took {t * 1000:.0f} ms (before: 110 ms per row)"
    # partial names still match; a query of more distinct words than a name has does not
    assert name_match("Budi", "Budi Nugroho") > 0
    assert name_match("Supriadi Wijaja", "Supriyadi Wijaya") > 0
    assert name_match(" ".join(f"w{i}x" for i in range(17)), "Budi Nugroho") == 0


ODD = {
    "hangul": lambda rng: _hangul(rng, N, 11172),
    "han": lambda rng: "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(N)),
    "combining marks": lambda rng: "a" + "\u0301" * (N - 1),
    "zero-width joiners": lambda rng: "김\u200d" * (N // 2),
    "rtl marks": lambda rng: "\u200fمحمد " * (N // 6),
    "mixed scripts": lambda rng: "김a习ア\u0301م\u200d\u200f " * (N // 9),
    "katakana with dots": lambda rng: "バラク・" * (N // 4),
    "wade-giles": lambda rng: "hsi chih " * (N // 9),
    "kana voicing marks": lambda rng: "\u3099" * N,
    "U+FDFA (NFKD x18)": lambda rng: "\ufdfa" * N,
    "commas": lambda rng: "a," * (N // 2),
    "bin": lambda rng: "bin " * (N // 4),
}


@pytest.mark.parametrize("kind", sorted(ODD))
def test_odd_unicode_names_of_100k_characters(kind: str) -> None:
    text = ODD[kind](random.Random(6))
    assert len(text) >= N - 10

    def run() -> None:
        clear_caches()
        parse_name(text)
        name_features(text)

    t = best_time(run, bound=0.05)
    assert t < 0.05, f"{kind}: {t * 1000:.0f} ms"
