"""An equivalent, faster-to-scan form of a word-start regex (issue #15 item 5, throughput).

Most catalogue and word-class patterns begin with a word-start assertion: ``\\bkamboja\\b|
\\bphnom ?penh\\b`` or ``(?<!\\w)(?:luar negeri|...)``. Python's ``re`` can skip quickly over
positions whose character cannot start a match, but only when the pattern begins with a
literal character (or an alternation of them); an assertion first makes it try the whole
pattern at every position of the text. :func:`fast_scan` moves the assertion behind the first
character, where it tests the same thing:

* ``\\bc`` (``c`` a word character) is ``c(?<!\\wc)``: the character before ``c`` is not a
  word character (or there is none);
* ``(?<!\\w)c`` (any ``c``) is ``c(?<!\\wc)`` as well.

An alternation in front is distributed over what follows it (``(?:a|b)c`` is ``ac|bc``: the
same alternatives tried in the same order, so the same leftmost match is found with the same
span). Patterns with capturing groups, inline flags or anything else first are returned
unchanged. The rewrite never adds a repetition, so a linear-time pattern stays linear.
"""

from __future__ import annotations

import re
from re import _compiler as _sre_compile  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

MAX_ALTERNATIVES = 2000
"""Distributing alternations multiplies them; past this many the pattern is left alone."""

_Seq = list[tuple[Any, Any]]
_Guard = tuple[Any, _Seq]
"""A look-behind read before the first character: (ASSERT or ASSERT_NOT, its pattern)."""
_NOT_WORD: _Guard = (C.ASSERT_NOT, [(C.IN, [(C.CATEGORY, C.CATEGORY_WORD)])])
_Way = tuple[int, tuple[_Guard, ...], _Seq]


def _is_word_char(code: int) -> bool:
    ch = chr(code)
    return ch.isalnum() or ch == "_"  # exactly re's (Unicode) \w


def _firsts(seq: _Seq, guards: tuple[_Guard, ...], word: bool, out: list[_Way]) -> bool:
    """Append (first character, look-behinds before it, rest) for every way ``seq`` can start,
    in the order the engine tries them; False when a way cannot be written so (the pattern
    is then left unchanged). ``word``: a ``\b`` was read, the character must be a word one."""
    if not seq or len(out) > MAX_ALTERNATIVES:
        return False
    op, av = seq[0]
    if op is C.AT and av is C.AT_BOUNDARY:
        return _firsts(seq[1:], (*guards, _NOT_WORD), True, out)
    if op in (C.ASSERT, C.ASSERT_NOT) and av[0] == -1:
        lo, hi = av[1].getwidth()
        if lo != hi:
            return False
        return _firsts(seq[1:], (*guards, (op, list(av[1].data))), word, out)
    if op is C.LITERAL:
        if word and not _is_word_char(av):
            return False
        out.append((av, guards, seq[1:]))
        return True
    if op is C.BRANCH:
        return all(_firsts(list(alt.data) + seq[1:], guards, word, out) for alt in av[1])
    if op is C.IN and all(o is C.LITERAL for o, _ in av):
        # [$€] is $|€: one character, so at most one of them matches at a position
        return all(_firsts([(C.LITERAL, c)] + seq[1:], guards, word, out) for _, c in av)
    if op is C.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
        return _firsts(list(av[3].data) + seq[1:], guards, word, out)
    if op is C.MAX_REPEAT and av[0] == 0 and av[1] == 1 and av[2].getwidth()[0] > 0:
        # greedy X?Y is XY|Y: X first, then without it
        return (_firsts(list(av[2].data) + seq[1:], guards, word, out)
                and _firsts(seq[1:], guards, word, out))
    return False


def fast_scan(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` rewritten to start with its possible first characters (module docstring);
    the same matches, spans and groups. ``pattern`` itself when no rewrite applies."""
    if pattern.groups or not isinstance(pattern.pattern, str):
        return pattern
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):
        return pattern
    if tree.state.flags & ~(re.UNICODE | re.NOFLAG) or tree.state.groupdict:
        return pattern  # flags beyond the default (inline ones included): not handled
    firsts: list[_Way] = []
    try:
        if not _firsts(list(tree.data), (), False, firsts) or not any(g for _, g, _ in firsts):
            return pattern
    except RecursionError:
        return pattern
    state = tree.state
    # One alternative per first character, in the order the characters first appear: two
    # alternatives with different first characters never match at the same position, so
    # only the order among those with the same character matters, and it is kept.
    by_char: dict[int, list[tuple[tuple[_Guard, ...], _Seq]]] = {}
    for c, guards, rest in firsts:
        by_char.setdefault(c, []).append((guards, rest))
    alts = []
    for c, ways in by_char.items():
        shared = len({repr(g) for g, _ in ways}) == 1
        head: _Seq = [(C.LITERAL, c)] + (_behind(state, ways[0][0], c) if shared else [])
        tails = [P.SubPattern(state, ([] if shared else _behind(state, g, c)) + list(rest))
                 for g, rest in ways]
        if len(tails) == 1:
            alts.append(P.SubPattern(state, head + list(tails[0].data)))
        else:
            alts.append(P.SubPattern(state, head + [(C.BRANCH, (None, tails))]))
    new = P.SubPattern(state, [(C.BRANCH, (None, alts))] if len(alts) > 1 else alts[0].data)
    return _sre_compile.compile(new, pattern.flags)


def _behind(state: Any, guards: tuple[_Guard, ...], c: int) -> _Seq:
    """The look-behinds read before ``c``, read just after it: ``(?<!X)c`` is
    ``c(?<!Xc)`` (and ``\\bc``, c a word character, is ``c(?<!\\wc)``)."""
    return [(op, (-1, P.SubPattern(state, list(x) + [(C.LITERAL, c)]))) for op, x in guards]
