"""In-memory watchlist index for real-time screening.

``WatchlistIndex.build(records)`` computes the features of every entry and posts it under
candidate keys:

* ``j`` joined canonical name (token merges: Nurhidayah = Nur Hidayah);
* ``p`` every unordered pair of phonetic name tokens (order, titles, extra names);
* ``y`` phonetic token + birth year (single names, one-year shifts probe year +-1);
* ``t`` phonetic token alone (used only when the posting is short or nothing else is known);
* ``d`` birth date (probed with the day/month swap and +-1 year), ``n`` NIK, ``pp`` passport,
  ``ph`` phone.

``search(query)`` gathers candidates from those keys (skipping very long postings, e.g. the
pair "siti"+"nur", when more specific keys exist), keeps the ones hit by most keys, scores them
with :func:`waspada.matching.scorer.score_pair` and returns the top ``k`` above a threshold,
each with its explanation.

An index can also start from a snapshot (:mod:`waspada.matching.snapshot`): its postings are
then one array of positions with offsets (``_Postings`` base), and its entries are kept as
plain rows until a query first touches them, so loading a million entries takes seconds.
"""

from __future__ import annotations

import contextlib
import math
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from waspada.matching.features import NAME_WEIGHT_CAP, Features, TokenFrequencies, features_of
from waspada.matching.records import PersonRecord
from waspada.matching.scorer import NameMemo, list_prior, score_pair

__all__ = ["Match", "WatchlistIndex"]

_KEY_WEIGHT = {"j": 3, "n": 4, "pp": 4, "ph": 3, "p": 2, "d": 2, "y": 1}
POSTING_CAP = 2_000  # postings longer than this are skipped when other keys exist
MAX_TOKENS = 6
#: pseudo-entries added to the list size when a full name's holders cap its evidence: in a small
#: list two holders say little about how common the name is in the country
COMMON_NAME_PSEUDO = 5_000


@dataclass(slots=True)
class Match:
    """One candidate for a query: ``score`` in [0, 1], ``explanation`` feature by feature."""

    record_id: str
    score: float
    explanation: dict = field(default_factory=dict)
    record: PersonRecord | None = None

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "score": round(self.score, 4),
                "explanation": self.explanation}


def _name_tokens(f: Features) -> list[str]:
    toks = list(dict.fromkeys(f.phon + f.patronym_phon))[:MAX_TOKENS]
    # adjacent merges, so "Nur Hidayah" is also found under "nurhidaya"
    for a, b in zip(f.phon, f.phon[1:], strict=False):
        toks.append(a + b)
    return toks


def _entry_keys(f: Features) -> list[str]:
    keys: list[str] = []
    if f.joined:
        keys.append("j|" + f.joined)
    base = list(dict.fromkeys(f.phon + f.patronym_phon))[:MAX_TOKENS]
    for a, b in combinations(sorted(base), 2):
        keys.append(f"p|{a}|{b}")
    toks = _name_tokens(f)
    for t in toks:
        keys.append("t|" + t)
    if f.birth_date is not None:
        y = f.birth_date.year
        for t in toks:
            keys.append(f"y|{t}|{y}")
        keys.append("d|" + f.birth_date.isoformat())
    if f.nik:
        keys.append("n|" + f.nik)
    if f.passport_no:
        keys.append("pp|" + f.passport_no)
    if f.phone:
        keys.append("ph|" + f.phone)
    return list(dict.fromkeys(keys))


def _query_keys(f: Features) -> tuple[list[str], list[str]]:
    """(specific keys, broad keys); broad keys are used only when their postings are short."""
    keys = []
    broad = []
    if f.joined:
        keys.append("j|" + f.joined)
    base = list(dict.fromkeys(f.phon + f.patronym_phon))[:MAX_TOKENS]
    for a, b in combinations(sorted(base), 2):
        keys.append(f"p|{a}|{b}")
    toks = _name_tokens(f)
    if f.birth_date is not None:
        d = f.birth_date
        for y in (d.year - 1, d.year, d.year + 1):
            for t in toks:
                keys.append(f"y|{t}|{y}")
        dates = {d}
        for y in (d.year - 1, d.year + 1):
            with contextlib.suppress(ValueError):
                dates.add(d.replace(year=y))
        with contextlib.suppress(ValueError):
            dates.add(date(d.year, d.day, d.month))
        keys.extend("d|" + x.isoformat() for x in dates)
    for t in toks:
        broad.append("t|" + t)
    if f.nik:
        keys.append("n|" + f.nik)
    if f.passport_no:
        keys.append("pp|" + f.passport_no)
    if f.phone:
        keys.append("ph|" + f.phone)
    return keys, broad


class _Postings:
    """Candidate key -> positions of the entries posted under it, in posting order.

    ``base`` keys (from a snapshot, sorted; found by bisection, so loading builds no dict of
    millions of keys) point into one shared ``positions`` array through ``offsets``; positions
    posted since then are appended to ``extra``. A built index has only ``extra``.
    """

    __slots__ = ("base", "extra", "offsets", "positions")

    def __init__(self) -> None:
        self.base: list[str] = []
        self.offsets = array("q", (0,))
        self.positions = array("i")
        self.extra: dict[str, array] = {}

    def _find(self, key: str) -> int | None:
        base = self.base
        i = bisect_left(base, key)
        return i if i < len(base) and base[i] == key else None

    def get(self, key: str) -> array | None:
        more = self.extra.get(key)
        if not self.base:
            return more
        i = self._find(key)
        if i is None:
            return more
        arr = self.positions[self.offsets[i]:self.offsets[i + 1]]
        return arr + more if more is not None else arr

    def append(self, key: str, pos: int) -> None:
        arr = self.extra.get(key)
        if arr is None:
            self.extra[key] = array("i", (pos,))
        else:
            arr.append(pos)

    def all_keys(self) -> list[str]:
        return self.base + [k for k in self.extra if self._find(k) is None]


#: a snapshot row turns into Features (with its record) on first use
RowDecoder = Callable[[tuple], Features]


class WatchlistIndex:
    """Candidate index + scorer over watchlist entries (thread-safe reads after build)."""

    def __init__(self) -> None:
        self._feats: list[Features | tuple | None] = []
        self._ids: dict[str, int] = {}
        self._post = _Postings()
        self._decode: RowDecoder | None = None
        self.freq = TokenFrequencies()
        self._names: dict[str, int] = {}  # entries per joined full name
        self._lock = threading.Lock()
        self.version: int = 0

    # -- building ------------------------------------------------------------------------
    @classmethod
    def build(cls, records: Iterable[PersonRecord], *, version: int = 0) -> WatchlistIndex:
        idx = cls()
        feats = [features_of(r) for r in records]
        idx.freq = TokenFrequencies.from_features(feats)
        for f in feats:
            idx._insert(f)
        idx.version = version
        return idx

    def __len__(self) -> int:
        return len(self._ids)

    def _insert(self, f: Features) -> None:
        if f.record_id in self._ids:
            self._remove(f.record_id)
        pos = len(self._feats)
        self._feats.append(f)
        self._ids[f.record_id] = pos
        if f.joined:
            self._names[f.joined] = self._names.get(f.joined, 0) + 1
        append = self._post.append
        for k in _entry_keys(f):
            append(k, pos)

    def _feat(self, pos: int) -> Features | None:
        """The entry at ``pos`` (decoded from its snapshot row on first use; None if removed)."""
        f = self._feats[pos]
        if isinstance(f, tuple):
            assert self._decode is not None
            decoded = self._decode(f)
            self._feats[pos] = decoded
            return decoded
        return f

    def _remove(self, record_id: str) -> bool:
        pos = self._ids.pop(record_id, None)
        if pos is None:
            return False
        f = self._feat(pos)
        self._feats[pos] = None  # postings are filtered lazily
        if f is not None:
            self.freq.add(f, -1)
            if f.joined and self._names.get(f.joined, 0) > 0:
                self._names[f.joined] -= 1
        return True

    def add(self, record: PersonRecord) -> None:
        """Add or replace one entry."""
        with self._lock:
            f = features_of(record)
            self._insert(f)
            self.freq.add(f)
            self.version += 1

    def remove(self, record_id: str) -> bool:
        with self._lock:
            ok = self._remove(record_id)
            self.version += 1
            return ok

    def get(self, record_id: str) -> PersonRecord | None:
        pos = self._ids.get(record_id)
        f = self._feat(pos) if pos is not None else None
        return f.record if f is not None else None

    # -- searching -----------------------------------------------------------------------
    def candidates(self, q: Features, max_candidates: int = 300) -> list[int]:
        keys, broad = _query_keys(q)
        hits: dict[int, int] = {}
        post = self._post
        skipped: list[array] = []
        for k in keys:
            arr = post.get(k)
            if arr is None:
                continue
            if len(arr) > POSTING_CAP:
                skipped.append(arr)
                continue
            w = _KEY_WEIGHT.get(k[: k.index("|")], 1)
            for pos in arr:
                hits[pos] = hits.get(pos, 0) + w
        if not hits:
            for k in broad:
                arr = post.get(k)
                if arr is not None and len(arr) <= POSTING_CAP * 5:
                    for pos in arr:
                        hits[pos] = hits.get(pos, 0) + 1
        if not hits and skipped:
            # only very common keys: take the shortest one
            arr = min(skipped, key=len)
            for pos in arr[: POSTING_CAP * 5]:
                hits[pos] = 1
        if len(hits) > max_candidates:
            return sorted(hits, key=hits.__getitem__, reverse=True)[:max_candidates]
        return list(hits)

    def common_name_cap(self, c: Features) -> float:
        """The most an agreement on ``c``'s full name can weigh, in bits.

        Token frequencies treat the tokens of a name as independent, but names are not
        (``Stefanus`` goes with ``Halim``): a full name that ``k`` entries of ``n`` hold is held
        by about one person in ``(n + COMMON_NAME_PSEUDO) / (k + 1)``, and agreeing on it is
        worth no more than that many bits.
        """
        k = self._names.get(c.joined, 0) if c.joined else 0
        if k < 2:
            return NAME_WEIGHT_CAP
        return math.log2((len(self) + COMMON_NAME_PSEUDO) / (k + 1))

    def explain(self, query: PersonRecord | Features, record_id: str) -> dict:
        """The full explanation of one entry's score for ``query`` ({} if the entry is gone)."""
        pos = self._ids.get(record_id)
        c = self._feat(pos) if pos is not None else None
        if c is None:
            return {}
        q = query if isinstance(query, Features) else features_of(query, keep_record=False)
        return score_pair(q, c, self.freq, explain=True, name_cap=self.common_name_cap(c),
                          prior=list_prior(len(self))).explanation

    def search(self, query: PersonRecord | Features, top: int = 5, threshold: float = 0.5,
               *, max_candidates: int = 300, explain: bool = True,
               name_memo: NameMemo | None = None) -> list[Match]:
        """Top ``top`` entries scoring at least ``threshold`` for ``query`` (best first);
        ``name_memo``: see :func:`waspada.matching.scorer.score_pair`."""
        q = query if isinstance(query, Features) else features_of(query, keep_record=False)
        scored = []
        feat = self._feat
        prior = list_prior(len(self))
        for pos in self.candidates(q, max_candidates):
            c = feat(pos)
            if c is None:
                continue
            r = score_pair(q, c, self.freq, explain=False, floor=threshold,
                           name_cap=self.common_name_cap(c), prior=prior, name_memo=name_memo)
            if r is not None and r.score >= threshold:
                scored.append((r.score, c.record_id, c))
        scored.sort(key=lambda s: (-s[0], s[1]))
        out = []
        for s, rid, c in scored[:top]:
            ex = score_pair(q, c, self.freq, explain=True, name_cap=self.common_name_cap(c),
                            prior=prior).explanation if explain else {}
            out.append(Match(rid, s, ex, c.record))
        return out
