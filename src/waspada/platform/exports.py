"""Helpers shared by every export (CSV, Excel)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Where a spreadsheet may start a new cell inside one CSV field: Excel under a regional
#: setting with ``;`` as list separator (Indonesian, most of Europe) splits on ``;``; a tool
#: that ignores quoting splits on ``,``.
CELL_SEPARATORS = re.compile(r"([;,])")


def _guarded(piece: str) -> str:
    """``piece`` with a ``'`` before a formula start (after any leading spaces)."""
    body = piece.lstrip(" ")
    if body[:1] not in FORMULA_STARTS:
        return piece
    if body[:1] in ("+", "-") and body[1:].replace(" ", "").isdigit():
        return piece  # a signed number (+6281234567890, -5) is read as a number, never run
    return piece[: len(piece) - len(body)] + "'" + body


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise a spreadsheet formula at the start of exported text (CSV injection, OWASP).

    Text starting (after any spaces) with ``= + - @``, a tab or a carriage return gets an
    apostrophe before that character, except numbers written with a sign
    (``+6281234567890``, ``-5``), which spreadsheets read as numbers and never run. Non-text
    values pass unchanged. Enough for Excel workbooks, where a cell is never split; CSV cells
    go through :func:`csv_safe`.
    """
    if not isinstance(value, str):
        return value
    return _guarded(value)


def csv_safe(value: Any) -> Any:
    """:func:`spreadsheet_safe` at the start of the text and after every ``;`` and ``,``.

    A spreadsheet that splits the field there (Excel with ``;`` as list separator, a reader
    ignoring quotes) never sees a piece that starts a formula: ``x;=1+1`` is written
    ``x;'=1+1``. Idempotent; text without a formula start anywhere passes unchanged.
    """
    if not isinstance(value, str) or not any(c in value for c in FORMULA_STARTS):
        return value
    parts = CELL_SEPARATORS.split(value)
    return "".join(p if i % 2 else _guarded(p) for i, p in enumerate(parts))


#: a field holding one of these is written in double quotes: the CSV separator, the quote,
#: a line break (what ``csv.QUOTE_MINIMAL`` quotes) and ``;``, Excel's separator under an
#: Indonesian (or most European) regional setting
_QUOTE_WHEN = re.compile(r'[,";\r\n]')


def _field(value: Any) -> str:
    text = "" if value is None else str(value)
    if _QUOTE_WHEN.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


class SafeCsvWriter:
    """The only CSV writer of Waspada's exports: every text cell guarded, a cell holding
    ``;`` quoted.

    Like ``csv.writer`` with ``QUOTE_MINIMAL`` (the bytes of a file without ``;`` and formula
    starts are unchanged), plus quotes around a field holding ``;``: Excel keeps a quoted field
    one cell whatever its list separator; :func:`csv_safe` covers a reader that splits it
    anyway. Python's ``csv`` module (and so every importer of the project) reads the result
    back cell for cell.
    """

    def __init__(self, fh: IO[str], lineterminator: str = "\r\n") -> None:
        self._fh = fh
        self._end = lineterminator

    def writerow(self, row: Iterable[Any]) -> None:
        cells = [_field(csv_safe(v)) for v in row]
        if cells == [""]:
            cells = ['""']  # a row of one empty field is not an empty line (as csv.writer)
        self._fh.write(",".join(cells) + self._end)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fh: IO[str], lineterminator: str = "\r\n") -> SafeCsvWriter:
    """A :class:`SafeCsvWriter` on ``fh`` (open with ``newline=""`` when it is a file)."""
    return SafeCsvWriter(fh, lineterminator)
