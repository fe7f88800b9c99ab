"""Bounded integer types for every route parameter and request-model field.

Database ids are INTEGER columns: 32-bit on PostgreSQL, 64-bit on SQLite. A larger number in a
path, query or body is refused (404/422) by validation instead of reaching the database driver
(OverflowError: 500 on SQLite; "integer out of range": refused by PostgreSQL).
``tests/security/test_http_hardening.py`` fails when a route or model takes an unbounded int.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

#: the largest value an INTEGER id column holds on every supported database (PostgreSQL's
#: ``integer`` is 32-bit)
MAX_ID = 2**31 - 1
#: the largest page number a list accepts (far beyond any real list)
MAX_PAGE = 1_000_000
#: at most this many digits are parsed from free text (Python refuses > 4,300)
_MAX_ID_DIGITS = len(str(MAX_ID))

#: a database id in the path (``/cases/{case_id}``)
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
#: an optional database id in the query string (``?unit=3``), default ``= None``
OptionalIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
#: a page number in the query string
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE)]
#: a database id inside a JSON request body
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(text: object) -> int | None:
    """An id typed as free text (form field, comma list), or None when it is not a valid id."""
    value = str(text).strip()
    if not value or len(value) > _MAX_ID_DIGITS or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
