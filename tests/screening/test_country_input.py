"""Round 25's walk: the screening form stored any three letters as the destination ("XYZ",
transit "QQQ"), and a destination typed as a name ("Kamboja") did not count as Cambodia. The
countries are read as the cases read them (``platform.countries``): a name or an ISO code,
stored as alpha-3; anything else is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from waspada.screening.schemas import ScreeningIn


@pytest.mark.parametrize(("typed", "stored"), [("KHM", "KHM"), ("kh", "KHM"),
                                               ("Kamboja", "KHM"), ("Cambodia", "KHM"),
                                               ("myanmar", "MMR"), ("", "")])
def test_a_destination_is_read_as_a_name_or_a_code(typed: str, stored: str) -> None:
    assert ScreeningIn(full_name="A", destination_country=typed).destination_country == stored


def test_transits_are_read_alike_and_unknown_countries_are_refused() -> None:
    got = ScreeningIn(full_name="A", transit_countries="Malaysia; THA, Filipina")
    assert got.transit_countries == ["MYS", "THA", "PHL"]
    for bad in ({"destination_country": "XYZ"}, {"transit_countries": "QQQ"},
                {"destination_country": "Atlantis"}, {"destination_country": "x" * 5000}):
        with pytest.raises(ValidationError):
            ScreeningIn(full_name="A", **bad)


def test_the_api_and_the_page_take_a_country_by_name(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={
        "full_name": "Rina Kartika", "destination_country": "Kamboja",
        "transit_countries": ["Malaysia"]})
    assert created.status_code == 201, created.text
    reasons = {r["code"] for r in created.json()["assessment"]["reasons"]}
    assert "destination.high_risk" in reasons  # "Kamboja" is Cambodia
    refused = tpi.post("/api/v1/screenings", json={"full_name": "Rina Kartika",
                                                   "destination_country": "XYZ"})
    assert refused.status_code == 422
    page = tpi.post("/screenings", data={
        "full_name": "Rina Kartika", "destination_country": "XYZ", "kind": "departure",
        "csrf_token": tpi.cookies["waspada_csrf"]})
    assert page.status_code == 400 and "Negara tujuan tidak valid" in page.text, page.text[-3000:]
    assert 'value="XYZ"' in page.text  # the form comes back as typed
