"""Literal-prefix prefilter for the catalogue's regular expressions (issue #15, throughput).

Most indicator patterns start with a word (``\\bcustomer ?service\\b``, ``\\b(?:gaji|upah)
...``). :func:`literal_prefixes` reads a compiled pattern's syntax tree and returns the set
of literal strings (2 to ``MAX_LEN`` characters) one of which EVERY match must start with,
or ``None`` when that cannot be proved (a pattern that may start with a character class,
``.``, ``\\w``...). If none of the prefixes occurs in a text, the pattern cannot match it,
so the scan is skipped: the result is exactly that of running the pattern. On offer texts
most indicators are absent, and a few substring tests cost less than a regex scan.
"""

from __future__ import annotations

import re
import re._constants as C  # noqa: N812 - the parser's opcode names
import re._parser as P  # noqa: N812

MAX_LEN = 4
"""Prefixes are cut to this many characters (enough to be selective, bounded in number)."""
MAX_PREFIXES = 256
"""Above this many prefixes the test would cost more than the scan: no prefilter."""

_Seq = list[tuple[object, object]]


_END = (C.ANY, None)
"""A stand-in for 'anything may follow': the prefix ends there."""


class _Unknown(Exception):
    """The pattern may start with something that is not a literal."""


def _starts(seq: _Seq, i: int, acc: str, out: set[str]) -> None:
    """Add to ``out`` the literal prefixes of ``seq[i:]`` after the literal ``acc``."""
    if len(out) > MAX_PREFIXES:
        raise _Unknown
    if len(acc) >= MAX_LEN or i == len(seq):
        if len(acc) < 2:
            raise _Unknown
        out.add(acc)
        return
    op, av = seq[i]
    if op is C.LITERAL:
        _starts(seq, i + 1, acc + chr(av), out)  # type: ignore[arg-type]
    elif op is C.AT:  # \b, ^: zero-width, the text at this point is unchanged
        _starts(seq, i + 1, acc, out)
    elif op is C.SUBPATTERN:
        if av[1] or av[2]:  # type: ignore[index]  # (?i:...) and other inline flags
            raise _Unknown
        sub = list(av[-1])  # type: ignore[index]
        _starts(sub + list(seq[i + 1 :]), 0, acc, out)
    elif op is C.BRANCH:
        for branch in av[1]:  # type: ignore[index]
            _starts(list(branch) + list(seq[i + 1 :]), 0, acc, out)
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, item = av  # type: ignore[misc]
        if lo == 0 and hi == 1:  # x? : with x, then the rest; or the rest alone
            _starts(list(item) + list(seq[i + 1 :]), 0, acc, out)
        else:  # x+, x*, x{m,n}: one x, then nothing more is known
            _starts(list(item) + [_END], 0, acc, out)
        if lo == 0:
            _starts(seq, i + 1, acc, out)
    elif len(acc) >= 2:  # a non-literal after enough literal characters: the prefix ends
        out.add(acc)
    else:
        raise _Unknown


def literal_prefixes(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal prefixes every match of ``pattern`` starts with, or ``None`` (no prefilter)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        out: set[str] = set()
        _starts(list(P.parse(pattern.pattern, pattern.flags)), 0, "", out)
    except (_Unknown, RecursionError):
        return None
    # A prefix that starts with a shorter one is implied by it.
    kept = sorted(out, key=len)
    minimal: list[str] = []
    for p in kept:
        if not any(p.startswith(q) for q in minimal):
            minimal.append(p)
    return tuple(sorted(minimal))


def may_match(prefixes: tuple[str, ...] | None, text: str) -> bool:
    """False only when no match is possible (no prefix occurs in ``text``)."""
    return prefixes is None or any(p in text for p in prefixes)
