"""Excel downloads of the statistics tables (openpyxl, write-only): the table on one sheet,
the indicator's definition and caveats on a second (in the reader's language)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from waspada.platform.exports import spreadsheet_safe

__all__ = ["MEDIA_TYPE", "workbook"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(header: Sequence[str], rows: Sequence[Sequence[object]], *, sheet: str,
             notes: Sequence[tuple[str, str]]) -> bytes:
    """An .xlsx file: ``rows`` under ``header`` on sheet ``sheet``; ``notes`` (label, text)
    on a sheet named after the first label. Text cells are neutralised like CSV cells, so a
    value starting with ``=`` is never a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(list(header))
    for row in rows:
        ws.append([v if isinstance(v, int | float) or v is None else spreadsheet_safe(v)
                   for v in row])
    info = wb.create_sheet((notes[0][0] if notes else "info")[:31])
    for label, text in notes:
        info.append([spreadsheet_safe(label), spreadsheet_safe(text)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
