"""The catalogue is complete, cites its sources, and every indicator has examples that work."""

from __future__ import annotations

import pytest

from waspada.offers.analyse import analyse
from waspada.offers.catalogue import GROUPS, load_catalogue

CAT = load_catalogue()
REGISTRY = ["PT Bina Karya Nusantara", "PT Duta Tenaga Kerja"]


def test_version_and_sources() -> None:
    assert CAT.version
    assert {"ILO-FL", "ILO-EC", "ID-GOV", "UNODC", "EMSCAD"} <= set(CAT.sources)


@pytest.mark.parametrize("ind", CAT.indicators, ids=lambda i: i.code)
def test_indicator_is_complete(ind) -> None:  # type: ignore[no-untyped-def]
    assert ind.group in GROUPS
    assert ind.source in CAT.sources
    assert 0 < ind.weight < 1
    for f in ("title_id", "title_en", "advice_id", "advice_en"):
        assert getattr(ind, f).strip(), f
    assert ind.examples.get("positive"), f"{ind.code} has no positive example"
    assert ind.examples.get("negative"), f"{ind.code} has no negative example"


@pytest.mark.parametrize(
    ("code", "kind", "text"),
    [(i.code, k, t) for i in CAT.indicators for k in ("positive", "negative", "positive_en")
     for t in i.examples.get(k, [])],
)
def test_examples(code: str, kind: str, text: str) -> None:
    a = analyse(text, agencies=REGISTRY, use_model=False)
    fired = code in a.codes
    assert fired == (kind != "negative"), (code, kind, text, a.codes)


@pytest.mark.parametrize("ind", CAT.indicators, ids=lambda i: i.code)
def test_every_indicator_has_english_phrasing(ind) -> None:  # type: ignore[no-untyped-def]
    """Offers reach Indonesians in English too (issue #15): each indicator has a working
    English example (run by test_examples)."""
    assert ind.examples.get("positive_en"), f"{ind.code} has no English positive example"


def test_new_sources_are_cited() -> None:
    assert {"OHCHR-2023", "UNODC-2024", "INTERPOL-2023", "ID-KEPMEN260", "ID-IMIGRASI"} <= set(
        CAT.sources)
    assert CAT.by_code("CONTROL_DECEPTION_COACHING").decisive


def test_every_group_is_used() -> None:
    assert {i.group for i in CAT.indicators} == set(GROUPS)


def test_required_topics_covered() -> None:
    codes = {i.code for i in CAT.indicators}
    for c in ("DEST_CAMBODIA", "DEST_MYANMAR", "DEST_LAOS", "DEST_DUBAI_TRANSFER", "ROUTE_TRANSIT",
              "JOB_SCAM_ROLE", "JOB_GAMBLING_SCAM", "LURE_HIGH_PAY", "LURE_NO_EXPERIENCE",
              "LURE_COSTS_PAID", "PROC_FEE_DEMANDED", "LURE_FAST_DEPARTURE", "PROC_TOURIST_VISA",
              "PROC_PERSONAL_CHAT", "PROC_NO_COMPANY", "PROC_DOCS_BY_CHAT", "JOB_LANGUAGE_ONLY",
              "PROC_AGE_WINDOW", "CONTROL_CONTRACT_PENALTY", "CONTROL_SECRECY",
              "CONTROL_COMPOUND_HOUSING", "CONTROL_PASSPORT_HELD", "AGENCY_NOT_REGISTERED",
              "CONTROL_DECEPTION_COACHING", "PROC_SKIP_OFFICIAL", "PROC_GOV_CLAIM",
              "LURE_RELIGIOUS_PRETEXT", "DEST_GULF"):
        assert c in codes


def test_every_high_risk_place_fires_a_destination_indicator() -> None:
    """The gazetteer and the DEST_* patterns agree: each high-risk alias (a scam hub) fires a
    destination indicator, and each high-risk or transit place cites a source."""
    from importlib import resources

    import yaml

    raw = resources.files("waspada.offers").joinpath("gazetteer.yaml").read_text("utf-8")
    places = yaml.safe_load(raw)["places"]
    for p in places:
        if p["risk"] != "none":
            assert p.get("source") in CAT.sources, p["name"]
        if p["risk"] != "high":
            continue
        for alias in p["aliases"]:
            a = analyse(f"kerja di {alias}", use_model=False)
            assert any(c.startswith("DEST_") for c in a.codes), (p["name"], alias, a.codes)
