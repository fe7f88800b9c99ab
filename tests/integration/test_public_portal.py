"""Issue #16 part C: the public portal at /, Cek Agensi, the guide and hotlines, and public
pages that keep a signed-in officer's navigation (defect 13)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from waspada.offers.agencies import similar_agencies
from waspada.offers.demo import DEMO_REGISTRY
from waspada.platform.capabilities import public_nav_items
from waspada.portal.guide import GUIDE_SOURCES
from waspada.portal.hotlines import checked_on, hotlines

PUBLIC_PAGES = ("/", "/cek-lowongan", "/cek-agensi", "/lapor", "/lapor/status", "/statistik",
                "/panduan", "/hotline", "/login")


@pytest.fixture(autouse=True)
def _reset_agency_limit() -> None:
    from waspada.offers.pages import agency_limiter

    agency_limiter.reset()


def _lookup(client: TestClient, name: str):  # type: ignore[no-untyped-def]
    client.get("/cek-agensi")
    return client.post("/cek-agensi", data={"name": name,
                                            "csrf_token": client.cookies["waspada_csrf"]})


def test_a_visitor_gets_the_portal_and_an_officer_the_home(client: TestClient,
                                                          role_clients) -> None:  # type: ignore[no-untyped-def]
    portal = client.get("/", follow_redirects=False)
    assert portal.status_code == 200
    tiles = portal.text.split('id="portal-links"')[1].split("</ul>")[0]
    for path in ("/cek-lowongan", "/cek-agensi", "/lapor", "/lapor/status", "/panduan",
                 "/hotline"):
        assert f'href="{path}"' in tiles
    assert 'href="/login"' in portal.text
    home = role_clients["analyst"].get("/")
    assert home.status_code == 200 and 'id="portal-links"' not in home.text
    assert "Keluar" in home.text


def test_every_public_page_links_to_every_other(client: TestClient) -> None:
    paths = [item.path for item in public_nav_items()]
    assert {"/cek-lowongan", "/cek-agensi", "/lapor", "/lapor/status", "/panduan",
            "/hotline"} <= set(paths)
    for page in PUBLIC_PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        nav = response.text.split('class="mainnav publicnav"')[1].split("</nav>")[0]
        for path in paths + ["/login"]:
            assert f'href="{path}"' in nav, (page, path)


def test_public_pages_keep_an_officers_navigation_and_sign_out(role_clients) -> None:  # type: ignore[no-untyped-def]
    """Defect 13: Cek Lowongan from an officer's navigation lost the navigation and sign-out."""
    officer = role_clients["checkpoint_officer"]
    for page in ("/cek-lowongan", "/cek-agensi", "/lapor", "/panduan", "/hotline"):
        text = officer.get(page).text
        assert 'aria-label="Navigasi utama"' in text or 'class="mainnav"' in text, page
        assert 'action="/logout"' in text, page
        assert "publicnav" not in text, page


def test_agency_lookup_is_tolerant_and_says_what_it_found(client: TestClient) -> None:
    registry = DEMO_REGISTRY.read_text(encoding="utf-8").splitlines()[1:]
    active = next(line.split(",")[0] for line in registry if line.endswith(",active"))
    revoked = next(line.split(",")[0] for line in registry if line.endswith(",revoked"))
    # case, punctuation, legal form and a typo do not matter
    typo = active.replace("PT ", "").lower()
    typo = typo[:-2] + typo[-1]  # one letter dropped
    for typed in (active, active.upper(), f"{active}, Tbk.", typo):
        page = _lookup(client, typed)
        assert page.status_code == 200
        assert 'data-verdict="registered"' in page.text, typed
        assert active in page.text
    page = _lookup(client, revoked)
    assert 'data-verdict="inactive"' in page.text and "dicabut" in page.text
    page = _lookup(client, "PT Bintang Kamboja Sukses Online")
    assert 'data-verdict="not_found"' in page.text
    # a name that only resembles a licensed one is not registered, but shown for comparison
    first_word = active.split()[1]
    look_alike = f"PT {first_word} Internasional Cemerlang"
    page = _lookup(client, look_alike)
    assert 'data-verdict="registered"' not in page.text


def test_agency_lookup_input_is_bounded_and_rate_limited(client: TestClient) -> None:
    short = _lookup(client, "  a ")
    assert short.status_code == 400 and 'id="agency-error"' in short.text
    long = _lookup(client, "x" * 121)
    assert long.status_code == 400 and "120" in long.text
    from waspada.offers.pages import agency_limiter

    agency_limiter.reset()
    codes = [_lookup(client, "PT Contoh Nama").status_code for _ in range(32)]
    assert codes[:30] == [200] * 30 and codes[30:] == [429, 429]


def test_similar_agencies_ranks_and_bounds() -> None:
    registry = ["PT Kenari Insan Mulia", "PT Kenari Prima Utama", "CV Lontar Tirta Buana"]
    found = similar_agencies("kenari insan mulya", registry)
    assert found[0][0] == 0 and found[0][1] >= 90
    assert similar_agencies("", registry) == [] and similar_agencies("x", []) == []
    assert len(similar_agencies("kenari", registry, limit=1)) <= 1
    # a single shared word is not a match
    assert all(score < 90 for _, score in similar_agencies("Kenari", registry))


def test_the_guide_cites_its_sources_and_the_hotlines_theirs(client: TestClient) -> None:
    guide = client.get("/panduan").text
    assert "Kamboja bukan negara penempatan" in guide
    for source in GUIDE_SOURCES:
        assert f'id="source-{source.number}"' in guide and source.url in guide
    cited = set(map(int, re.findall(r'href="#source-(\d+)"', guide)))
    assert cited == {s.number for s in GUIDE_SOURCES}  # every source cited, none missing
    page = client.get("/hotline").text
    for line in hotlines():
        assert line.sources
        for number in line.numbers:
            assert number.value in page
        for source in line.sources:
            assert source.url.startswith("https://") and source.url in page
    assert "0800-1000" in page and "+855 12 813 282" in page
    checked = checked_on()  # ISO in the YAML, dd-mm-yyyy on the page (walk16)
    assert f"{checked[8:10]}-{checked[5:7]}-{checked[:4]}" in page and checked not in page


def test_sources_are_attributed_in_the_readers_language(client: TestClient) -> None:
    """walk16: the Indonesian guide and hotline pages credited "Kompas (quoting Kemnaker)" and
    "Merahputih.com, quoting KBRI Phnom Penh" in English."""
    from waspada.platform.i18n import translations

    catalogue = translations("id")
    publishers = {s.publisher for s in GUIDE_SOURCES}
    publishers |= {s.publisher for line in hotlines() for s in line.sources}
    for publisher in publishers:
        if re.search(r"\b(quoting|from|the)\b", publisher):
            assert catalogue.gettext(publisher) != publisher, publisher
    for path in ("/panduan", "/hotline"):
        page = client.get(path).text
        assert not re.search(r"\b(quoting|from Beritasatu|the Minister)\b", page), path
        assert "mengutip" in page
    client.get("/lang/en?next=/hotline")
    assert "quoting KBRI Phnom Penh" in client.get("/hotline").text
