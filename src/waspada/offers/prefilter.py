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


def word_starts(text: str) -> frozenset[str]:
    """The 2-, 3- and 4-character strings that start at the start of a word of ``text``."""
    out: set[str] = set()
    add = out.add
    for m in _WORD_START.finditer(text):
        p = m.start()
        add(text[p : p + 2])
        add(text[p : p + 3])
        add(text[p : p + 4])
    return frozenset(out)


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
