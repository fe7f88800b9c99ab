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
from collections.abc import Iterator
from re import _compiler as _sre_compile  # type: ignore[attr-defined]  # private module, no stubs
from re import _constants as C  # type: ignore[attr-defined]  # private module, no stubs
from re import _parser as P  # type: ignore[attr-defined]  # private module, no stubs
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


def _firsts(seq: _Seq, guards: tuple[_Guard, ...], word: bool, out: list[_Way],
            ascii_text: bool = False) -> bool:
    r"""Append (first character, look-behinds before it, rest) for every way ``seq`` can start,
    in the order the engine tries them; False when a way cannot be written so (the pattern
    is then left unchanged). ``word``: a ``\b`` was read, the character must be a word one.
    ``ascii_text``: the form is only used on ASCII texts, so a character class (``\d``,
    ``[a-z]``) first stands for the ASCII characters it matches."""
    if not seq or len(out) > MAX_ALTERNATIVES:
        return False
    op, av = seq[0]

    def more(rest: _Seq, g: tuple[_Guard, ...] = guards, w: bool = word) -> bool:
        return _firsts(rest, g, w, out, ascii_text)

    if op is C.AT and av is C.AT_BOUNDARY:
        return more(seq[1:], (*guards, _NOT_WORD), True)
    if op in (C.ASSERT, C.ASSERT_NOT) and av[0] == -1:
        lo, hi = av[1].getwidth()
        if lo != hi:
            return False
        return more(seq[1:], (*guards, (op, list(av[1].data))))
    if op is C.LITERAL:
        if word and not _is_word_char(av):
            return False
        out.append((av, guards, seq[1:]))
        return True
    if op is C.BRANCH:
        return all(more(list(alt.data) + seq[1:]) for alt in av[1])
    if op is C.IN:
        chars = _class_chars(av, ascii_text)
        # [$€] is $|€: one character, so at most one of them matches at a position
        return chars is not None and all(more([(C.LITERAL, c)] + seq[1:]) for c in chars)
    if op is C.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
        return more(list(av[3].data) + seq[1:])
    if op is C.MAX_REPEAT and av[0] == 0 and av[1] == 1 and av[2].getwidth()[0] > 0:
        # greedy X?Y is XY|Y: X first, then without it
        return more(list(av[2].data) + seq[1:]) and more(seq[1:])
    if (op is C.MAX_REPEAT and av[0] >= 1 and len(av[2].data) == 1
            and av[2].data[0][0] in (C.LITERAL, C.IN)):
        # greedy c{m,n} of ONE character is c c{m-1,n-1}: the same counts in the same order
        lo, hi, body = av
        tail: _Seq = [] if hi == 1 else [
            (C.MAX_REPEAT, (lo - 1, hi if hi == C.MAXREPEAT else hi - 1, body))]
        return more([body.data[0]] + tail + seq[1:])
    return False


def _class_chars(items: list[tuple[Any, Any]], ascii_text: bool) -> list[int] | None:
    """The characters a class matches, when they can be listed: its literals; on ASCII texts
    the ASCII characters it matches (tested one by one against the class itself)."""
    if all(o is C.LITERAL for o, _ in items):
        return [c for _, c in items]
    if not ascii_text:
        return None
    rx = _sre_compile.compile(P.SubPattern(P.State(), [(C.IN, items)]), re.UNICODE)
    return [c for c in range(128) if rx.fullmatch(chr(c))]


def fast_scan(pattern: re.Pattern[str], ascii_text: bool = False) -> re.Pattern[str]:
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
        if (not _firsts(list(tree.data), (), False, firsts, ascii_text)
                or not any(g for _, g, _ in firsts)):
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


class Scan:
    """``finditer`` of a pattern in its fastest exact form for the text: the ASCII form on an
    ASCII text (``str.isascii`` is a flag Python keeps, no scan), the general one otherwise."""

    __slots__ = ("any_text", "ascii_text")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.any_text = fast_scan(pattern)
        self.ascii_text = fast_scan(pattern, ascii_text=True)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return (self.ascii_text if text.isascii() else self.any_text).finditer(text)
