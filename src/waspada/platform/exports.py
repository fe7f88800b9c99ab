"""Helpers shared by every export (CSV, Excel)."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in exported text (CSV injection, OWASP).

    Text starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
    except numbers written with a sign (``+6281234567890``, ``-5``), which spreadsheets read
    as numbers and never run. Non-text values pass unchanged.
    """
    if not isinstance(value, str) or value[:1] not in FORMULA_STARTS:
        return value
    if value[:1] in ("+", "-") and value[1:].replace(" ", "").isdigit():
        return value
    return "'" + value
