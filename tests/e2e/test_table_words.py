"""Table cells never split a word letter by letter (walk16): "Ubah" / "Nonaktifkan" buttons,
"Sedang" level badges, "selesai" and row numbers were broken across lines because
``overflow-wrap:anywhere`` on ``td`` let a table shrink a column below its longest word. A
pathological token still cannot make the page wider than the window."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e

#: words of two or more letters/digits inside <main> whose boxes lie on more than one line
SPLIT_WORDS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const re = /[\\p{L}\\p{N}]{2,24}/gu; let m;
    while ((m = re.exec(node.textContent))) {
      const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      if (tops.size > 1 && node.parentElement.closest('td')) out.push(m[0]);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("username,paths", [
    ("admin", ["/admin/users", "/audit", "/watchlist/manage", "/exchange/partners"]),
    ("petugas.tpi", ["/screenings"]),
])
def test_no_word_in_a_table_cell_is_split(page, live_server: str, username: str,  # type: ignore[no-untyped-def]
                                          paths: list[str], width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, live_server, username, demo_password(username))
    for path in paths:
        page.goto(live_server + path)
        assert page.locator("main td").count() > 0, path
        assert page.evaluate(SPLIT_WORDS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_very_long_token_in_a_cell_does_not_widen_the_page(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, live_server, "admin", demo_password("admin"))
    page.goto(live_server + "/admin/users")
    page.evaluate("document.querySelector('main tbody td:nth-child(2)').textContent = "
                  "'X'.repeat(150)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.mark.parametrize("username,path", [
    ("admin", "/admin/users"), ("petugas.tpi", "/account"),
    ("pelindungan", "/exchange/cases/{case}")])
def test_every_table_column_has_a_header(browser, live_server: str, username: str,  # type: ignore[no-untyped-def]
                                         path: str) -> None:
    """walk16: the buttons' columns (Ubah / Nonaktifkan, Cabut, Cabut persetujuan) had an empty
    header, which axe reports (empty-table-header) and a screen reader reads as nothing."""
    from sqlalchemy import select

    from tests.e2e.axe import violations
    from waspada.cases.models import Case
    from waspada.platform.db import session_scope

    with session_scope() as session:
        case = session.scalar(select(Case.id).where(Case.reference.like("WSP-%"))
                              .order_by(Case.id))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in_page(page, live_server, username, demo_password(username))
        page.goto(live_server + path.format(case=case))
        assert page.locator("main th").count() > 0
        assert [v for v in violations(page) if v["id"] == "empty-table-header"] == []
    finally:
        context.close()


def test_no_word_in_a_label_value_list_is_split_on_a_phone(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """A screening's and a case's facts (``dl.facts``) at 390 px: label above value."""
    page.set_viewport_size({"width": 390, "height": 900})
    in_facts = SPLIT_WORDS.replace("node.parentElement.closest('td')",
                                   "node.parentElement.closest('dl.facts')")
    for username, listing, link in (("petugas.tpi", "/screenings", "a[href^='/screenings/']"),
                                    ("pelindungan", "/cases", "a[href^='/cases/']")):
        page.context.clear_cookies()
        sign_in_page(page, live_server, username, demo_password(username))
        page.goto(live_server + listing)
        hrefs = [h for h in page.eval_on_selector_all(
            f"main {link}", "els => els.map(e => e.getAttribute('href'))")
            if h.rstrip("/").split("/")[-1].isdigit()]
        assert hrefs, listing
        page.goto(live_server + hrefs[0])
        assert page.locator("main dl.facts").count() > 0, hrefs[0]
        assert page.evaluate(in_facts) == [], hrefs[0]


def test_a_case_page_keeps_its_tables_inside_their_cards(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    """walk17: at 1280 px the case page's people table (a 16-digit NIK is one word) stood out
    of its card, one third of the page wide, across the gap into the next column."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, live_server, "pelindungan", demo_password("pelindungan"))
    page.goto(live_server + "/cases")
    href = next(h for h in page.eval_on_selector_all(
        "main a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))")
        if h.rstrip("/").split("/")[-1].isdigit())
    page.goto(live_server + href)
    assert page.locator("#persons td").count() > 0
    outside = page.evaluate("""() => [...document.querySelectorAll('main .card')].flatMap(c => {
        const right = c.getBoundingClientRect().right;
        return [...c.querySelectorAll('table')]
            .filter(t => {  // what shows: the table, or its scrolling wrapper
                const box = getComputedStyle(t.parentElement).overflowX === 'visible'
                    ? t : t.parentElement;
                return box.getBoundingClientRect().right > right + 1; })
            .map(t => t.id || t.className); })""")
    assert outside == []
