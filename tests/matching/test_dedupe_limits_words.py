"""Round 25: the dedupe page's CSV hint grouped its record limit by hand with a point, so an
English reader read "At most 50.000 records"; the reader's locale groups it now (Babel)."""

from __future__ import annotations

from waspada.matching import service


def test_the_record_limit_is_grouped_in_the_readers_language(role_clients, english) -> None:  # type: ignore[no-untyped-def]
    limit = service.DEDUPE_MAX_RECORDS
    assert limit >= 1000  # a limit with a thousands group, or the test proves nothing
    indonesian = role_clients["analyst"].get("/dedupe").text
    assert f"{limit:,}".replace(",", ".") + " data" in indonesian
    page = english.get("/dedupe").text
    assert f"At most {limit:,} records" in page
    assert f"{limit:,}".replace(",", ".") not in page
