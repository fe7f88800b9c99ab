"""Round 25 (English-UI walk-through): the statistics pages and downloads read in the reader's
language and words: numbers with the reader's separators, periods written like other dates,
"province unknown" in words, definitions and caveats without table or column names, the
durations file naming its own measures, destination names in the destination export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from waspada.platform.i18n import current_language
from waspada.statistics.catalogue import indicators
from waspada.statistics.charts import bar_chart
from waspada.statistics.periods import period_text
from waspada.statistics.tilemap import fmt, province_label, render_tilemap


def _in_language(lang: str) -> Iterator[None]:
    token = current_language.set(lang)
    try:
        yield
    finally:
        current_language.reset(token)


def test_numbers_follow_the_readers_language() -> None:
    for lang, small, big in (("en", "4.7", "1,234"), ("id", "4,7", "1.234")):
        for _ in _in_language(lang):
            assert fmt(4.7) == small and fmt(1234) == big
            svg = render_tilemap({"35": 1234}, title="t", desc="d")
            assert f">{big}<" in svg
            assert f": {big}<" in bar_chart(["11-2026"], [1234], title="t", desc="d")


def test_periods_are_written_like_other_dates_in_both_languages() -> None:
    assert period_text("2026-11", "en") == period_text("2026-11", "id") == "11-2026"
    assert period_text("2026-Q1", "en") == "Q1-2026"
    assert period_text("2026-Q1", "id") == "TW1-2026"
    assert period_text("2026-W05", "en") == "W05-2026"
    assert period_text("2026-W05", "id") == "Mg05-2026"
    assert period_text("ALL", "en") == "ALL"


def test_the_unknown_province_reads_in_words() -> None:
    for lang, words in (("en", "Province unknown"), ("id", "Provinsi tidak diketahui")):
        for _ in _in_language(lang):
            assert province_label("??") == words
            assert province_label("73") == "Sulawesi Selatan"


def test_definitions_and_caveats_name_no_table_column_or_code() -> None:
    for ind in indicators().values():
        for lang in ("id", "en"):
            for text in (ind.definition(lang), ind.caveats(lang)):
                assert text and "??" not in text, (ind.id, lang)
                assert not re.search(r"\b\w+_\w+\b", text), (ind.id, lang, text)
        assert ind.definition("en") != ind.formula


def test_english_statistics_pages_read_english_numbers_periods_and_words(
        english: TestClient) -> None:
    html = english.get("/statistics?indicator=cases_reported").text
    alerts = html.split('id="alerts"', 1)[1].split("</table>", 1)[0]
    assert "&lt; 0.001" in alerts and "0,001" not in alerts
    cells = re.findall(r"<td(?: class=\"p-value\")?>([^<]*)</td>", alerts)
    assert cells and not any(re.fullmatch(r"\d+,\d+", c) for c in cells), cells
    assert re.findall(r"<td>(\d\d-\d{4})</td>", alerts)  # the alert's month, 11-2026
    durations = html.split('id="durations"', 1)[1].split("</table>", 1)[0]
    assert not re.search(r"\d,\d", durations)
    assert re.search(r"<td>\d\d-\d{4}</td>", durations)
    by_month = html.split('id="by-month"', 1)[1].split("</table>", 1)[0]
    assert not re.search(r"\d{4}-\d\d", by_month)
    provinces = html.split('id="by-province"', 1)[1].split("</table>", 1)[0]
    assert "??" not in provinces and "<td>?</td>" not in provinces
    assert "Province unknown" in provinces  # the demo has a case without a valid NIK
    caveats = html.split('id="caveats"', 1)[1].split("</p>", 1)[0]
    assert "case_persons" not in caveats and "??" not in caveats
    home = english.get("/").text.split('id="home-alerts"', 1)[1].split("</section>", 1)[0]
    assert "&lt; 0.001" in home and "0,001" not in home
    quarter = english.get("/statistics?periode=quarter").text
    table = quarter.split('id="by-month"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>Q[1-4]-\d{4}</td>", table) and "-Q" not in table
    public = english.get("/statistik").text
    table = public.split('id="by-month"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>\d\d-\d{4}</td>", table) and not re.search(r"\d{4}-\d\d", table)


def test_indonesian_pages_write_periods_the_same_way(
        role_clients: dict[str, TestClient]) -> None:
    html = role_clients["analyst"].get("/statistics?periode=quarter&indicator=cases_reported"
                                       ).text
    table = html.split('id="by-month"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>TW[1-4]-\d{4}</td>", table)
    provinces = html.split('id="by-province"', 1)[1].split("</table>", 1)[0]
    assert "Provinsi tidak diketahui" in provinces and "??" not in provinces
    regency = html.split('id="by-regency"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<th>TW[1-4]-\d{4}</th>", regency)


def _notes(content: bytes) -> list[tuple[object, ...]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return list(wb.worksheets[1].iter_rows(values_only=True))


def test_excel_definitions_are_words_and_durations_name_their_measures(
        english: TestClient, client: TestClient) -> None:
    notes = dict(_notes(english.get("/statistics/export.xlsx?indicator=cases_reported"
                                    "&table=month").content))
    assert notes["Definition"] == indicators()["cases_reported"].definition_en
    assert "case_cases" not in str(notes["Definition"])
    assert "case_persons" not in str(notes["Caveats"])
    public = _notes(client.get("/statistik/unduh.xlsx?indikator=screenings").content)
    assert ("Definisi", indicators()["screenings"].definition_id) in public
    duration = _notes(english.get("/statistics/export.xlsx?table=duration").content)
    named = [v for k, v in duration if k == "Indicator"]
    assert "Departure and passport screenings" not in named
    assert named == ["Days from report to victim located", "Days from report to SPLP issued",
                     "Days from report to repatriation", "Days until a referral is answered"]


def test_destination_export_names_the_country(english: TestClient) -> None:
    r = english.get("/statistics/export.csv?indicator=cases_reported&table=destination")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and list(rows[0]) == ["indicator", "destination", "destination_name", "count"]
    assert {"KH": "Cambodia"}.items() <= {x["destination"]: x["destination_name"]
                                          for x in rows}.items()
    province = english.get("/statistics/export.csv?indicator=cases_reported&table=province")
    assert "?,1" not in province.text and ",?," not in province.text
