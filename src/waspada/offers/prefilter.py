"""Literal-prefix prefilter for the catalogue's regular expressions (issue #15, throughput).

Most indicator patterns start with a word (``\\bcustomer ?service\\b``, ``\\b(?:gaji|upah)
...``). :func:`literal_prefixes` reads a compiled pattern's syntax tree and returns the set
of literal strings (2 to ``MAX_LEN`` characters) one of which EVERY match must start with
(those after ``\\b`` must start a word: the text's word starts are computed once), or
``None`` when that cannot be proved (a pattern that may start with a character class,
``.``, ``\\w``...). If none of the prefixes occurs in a text, the pattern cannot match it,
so the scan is skipped: the result is exactly that of running the pattern. On offer texts
most indicators are absent, and a few substring tests cost less than a regex scan.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# The standard library's regular-expression parser (no type stubs: read as Any).
P: Any = importlib.import_module("re._parser")
C: Any = importlib.import_module("re._constants")

MAX_LEN = 4
"""Prefixes are cut to this many characters (enough to be selective, bounded in number)."""
MAX_PREFIXES = 256
"""Above this many prefixes the test would cost more than the scan: no prefilter."""

_Seq = list[tuple[Any, Any]]
"""The parser's (opcode, argument) items; the argument's shape depends on the opcode."""


_END = (C.ANY, None)
"""A stand-in for 'anything may follow': the prefix ends there."""


class _Unknown(Exception):
    """The pattern may start with something that is not a literal."""


_WORD = re.compile(r"\w")
_WORD_START = re.compile(r"\b\w")


def _starts(seq: _Seq, i: int, acc: str, out: set[str], wb: bool = False) -> None:
    """Add to ``out`` the literal prefixes of ``seq[i:]`` after the literal ``acc``.

    ``wb``: a ``\b`` came before the first literal. A prefix that starts with a word
    character right after ``\b`` can only match at the start of a word; others are marked
    with a leading NUL ("anywhere").
    """
    if len(out) > MAX_PREFIXES:
        raise _Unknown
    if len(acc) >= MAX_LEN or i == len(seq):
        _add(acc, out, wb)
        return
    op, av = seq[i]
    if op is C.LITERAL:
        _starts(seq, i + 1, acc + chr(av), out, wb)
    elif op is C.AT:  # \b, ^: zero-width, the text at this point is unchanged
        _starts(seq, i + 1, acc, out, wb or (not acc and av is C.AT_BOUNDARY))
    elif op is C.SUBPATTERN:
        if av[1] or av[2]:  # (?i:...) and other inline flags
            raise _Unknown
        sub = list(av[-1])
        _starts(sub + list(seq[i + 1 :]), 0, acc, out, wb)
    elif op is C.BRANCH:
        for branch in av[1]:
            _starts(list(branch) + list(seq[i + 1 :]), 0, acc, out, wb)
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, item = av
        if lo == 0 and hi == 1:  # x? : with x, then the rest; or the rest alone
            _starts(list(item) + list(seq[i + 1 :]), 0, acc, out, wb)
        else:  # x+, x*, x{m,n}: one x, then nothing more is known
            _starts(list(item) + [_END], 0, acc, out, wb)
        if lo == 0:
            _starts(seq, i + 1, acc, out, wb)
    else:  # a non-literal: the prefix ends here
        _add(acc, out, wb)


def _add(acc: str, out: set[str], wb: bool) -> None:
    if len(acc) < 2:
        raise _Unknown
    out.add(acc if wb and _WORD.match(acc) else "\0" + acc)


def literal_prefixes(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal prefixes every match of ``pattern`` starts with, or ``None`` (no prefilter)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        out: set[str] = set()
        _starts(list(P.parse(pattern.pattern, pattern.flags)), 0, "", out)
    except (_Unknown, RecursionError):
        return None
    return tuple(sorted(out))


class WordStarts(frozenset[str]):
    """The strings :func:`word_starts` returns, and (``at``) the word starts where each one
    begins, in increasing order (a string shorter than 4 at the end of the text may repeat
    its position)."""

    at: dict[str, list[int]]


def word_starts(text: str) -> WordStarts:
    """The 2-, 3- and 4-character strings that start at the start of a word of ``text``."""
    at: dict[str, list[int]] = {}
    get = at.get
    for m in _WORD_START.finditer(text):
        p = m.start()
        for s in (text[p : p + 2], text[p : p + 3], text[p : p + 4]):
            where = get(s)
            if where is None:
                at[s] = [p]
            else:
                where.append(p)
    out = WordStarts(at)
    out.at = at
    return out


MAX_CANDIDATES = 48
"""Round 12: above this many candidate word starts one scan of the text is cheaper."""


@lru_cache(maxsize=1024)
def _never_empty(pattern: re.Pattern[str]) -> bool:
    """Every match of ``pattern`` is at least one character long."""
    try:
        return bool(P.parse(pattern.pattern, pattern.flags).getwidth()[0] > 0)
    except (re.error, RecursionError):
        return False


def matches_at_word_starts(pattern: re.Pattern[str], pf: Prefilter | None, text: str,
                           starts: frozenset[str] | None) -> Sequence[re.Match[str]] | None:
    """Round 12 (throughput): ``list(pattern.finditer(text))``, read only at the word starts
    where one of ``pf``'s prefixes begins, or None when that cannot be done (no prefilter, a
    prefix that may occur anywhere, a pattern that may match the empty string, no
    :class:`WordStarts`, too many candidates): the caller then scans the text.

    Every match starts with one of ``pf.anchored`` at a word start (``literal_prefixes``), so
    the candidates hold every match start; ``finditer`` takes the leftmost match, then looks
    again from its end, and ``pattern.match(text, p)`` at a candidate p is what the scan tries
    there (look-behinds and ``\b`` see the text before p). The result is the same list."""
    if pf is None or pf.anywhere or not isinstance(starts, WordStarts):
        return None
    hit = pf.anchored.intersection(starts)
    if not hit:
        return ()
    if not _never_empty(pattern):
        return None
    at = starts.at
    if len(hit) == 1:
        cands: Sequence[int] = at[next(iter(hit))]
    else:
        cands = sorted({p for k in hit for p in at[k]})
    if len(cands) > MAX_CANDIDATES:
        return None
    out: list[re.Match[str]] = []
    last = 0
    match = pattern.match
    for p in cands:
        if p >= last and (m := match(text, p)) is not None:
            out.append(m)
            last = m.end()
    return out


class Prefilter:
    """The prefixes of one pattern, ready for a fast test against a text."""

    __slots__ = ("anchored", "anywhere")

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.anchored = frozenset(p for p in prefixes if not p.startswith("\0"))
        self.anywhere = tuple(p[1:] for p in prefixes if p.startswith("\0"))

    def may_match(self, text: str, starts: frozenset[str]) -> bool:
        """False only when no match is possible: no anchored prefix starts a word of the
        text and no other prefix occurs in it."""
        return (not self.anchored.isdisjoint(starts)
                or any(p in text for p in self.anywhere))


def prefilter_for(pattern: re.Pattern[str] | None) -> Prefilter | None:
    """A :class:`Prefilter` for ``pattern``, or None when none can be proved."""
    if pattern is None:
        return None
    prefixes = literal_prefixes(pattern)
    return Prefilter(prefixes) if prefixes is not None else None


def may_match(pf: Prefilter | None, text: str, starts: frozenset[str] | None = None) -> bool:
    """False only when ``pf`` proves no match is possible in ``text``."""
    if pf is None:
        return True
    if starts is None:
        starts = word_starts(text)
    # the method's test inline: this runs for every indicator and context of every offer
    return not pf.anchored.isdisjoint(starts) or any(p in text for p in pf.anywhere)
