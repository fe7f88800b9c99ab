"""Calendar dates on the watchlist page read as Indonesian readers write them (12-08-1974),
not as ISO (1974-08-12): the new user's walk-through of round 2 found ISO birth dates there."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

ISO_DAY = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")
DMY_DAY = re.compile(r"\b[0-3]\d-[01]\d-(19|20)\d\d\b")


def _table_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "input", "textarea", "option"]):
        hidden.decompose()
    return soup.get_text(" ")


def test_the_watchlist_list_shows_days_not_iso_dates(role_clients) -> None:  # type: ignore[no-untyped-def]
    page = role_clients["analyst"].get("/watchlist/manage")
    assert page.status_code == 200
    text = _table_text(page.text)
    assert not ISO_DAY.search(text), ISO_DAY.search(text)
    assert DMY_DAY.search(text), "the demo watchlist has birth dates: one should be shown"
