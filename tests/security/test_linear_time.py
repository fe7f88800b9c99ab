"""Every public text entry point handles 20,000 adversarial characters in < 200 ms.

The entry points are the cores behind the public and officer surfaces:
``analyse`` (``/cek-lowongan``, ``/cek-lowongan/laporkan``, ``/api/v1/offers/check``,
screening offer text, the bulk scan), normalisation, entity/contact extraction, name
normalisation, NIK and MRZ parsing (also the ``document mrz`` command), and the CSV /
JSON Lines readers. Timings are CPU time of this process (see ``cpu_clock``), best of 3
runs, so a busy CI machine does not flake; the bound is not raised for that.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import csrf_headers
from tests.security.adversarial import BOUND_S, N, battery, best_time, cpu_clock, fill
from waspada.identity.cli import document_app
from waspada.identity.mrz import MAX_INPUT_CHARS as MRZ_MAX
from waspada.identity.mrz import parse_mrz
from waspada.identity.names import clear_caches, parse_name
from waspada.identity.nik import parse_nik
from waspada.identity.phonetic import fold
from waspada.matching.records import RecordError, read_records_text
from waspada.offers.analyse import analyse
from waspada.offers.bulk import UploadError, read_records
from waspada.offers.extract import extract
from waspada.offers.normalise import normalise
from waspada.offers.store import AgencyImportError, parse_agency_csv

BATTERY = battery(N)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _parse_name_uncached(text: str) -> Any:
    clear_caches()  # parse_name memoises: time the work, not the cache
    return parse_name(text)


def _mrz_lines(text: str) -> Any:
    third = len(text) // 3
    return parse_mrz([text[:third], text[third:2 * third], text[2 * third:]], ocr_tolerant=True)


def _mrz_at_cap(text: str) -> Any:
    """The MRZ parser refuses more than MAX_INPUT_CHARS at once: time it right at the cap."""
    text = text[:MRZ_MAX]
    third = len(text) // 3
    return (parse_mrz(text, ocr_tolerant=True),
            parse_mrz([text[:third], text[third:2 * third], text[2 * third:]], ocr_tolerant=True))


def _mrz_cli(text: str) -> Any:
    result = CliRunner().invoke(document_app, ["mrz", "--json", "--", text, text])
    assert result.exit_code in (0, 1), result.output[-500:]  # valid / invalid, no traceback
    return result


def _bulk_csv(text: str) -> Any:
    records = list(read_records(f"id,text\n1,{_quoted(text)}\n".encode(), "csv"))
    assert len(records) == 1
    return records


def _bulk_csv_raw(text: str) -> Any:
    try:
        return list(read_records(("text\n" + text).encode(), "csv"))
    except UploadError:  # a clear error is a fine outcome; only time matters here
        return None


def _bulk_jsonl(text: str) -> Any:
    records = list(read_records(json.dumps({"id": 1, "text": text}).encode(), "jsonl"))
    assert len(records) == 1
    return records


def _bulk_jsonl_raw(text: str) -> Any:
    return list(read_records(text.encode(), "jsonl"))


def _watchlist_csv(text: str) -> Any:
    try:
        return read_records_text(f"record_id,full_name\nr1,{_quoted(text)}\n"
                                 f"r2,{_quoted(text[:200])}\n")
    except RecordError:
        return None


def _agency_csv(text: str) -> Any:
    try:
        return parse_agency_csv(f"name,address\n{_quoted(text[:300])},{_quoted(text)}\n"
                                .encode())
    except AgencyImportError:
        return None


ENTRY_POINTS: dict[str, Callable[[str], Any]] = {
    "offers.analyse": analyse,
    "offers.normalise": normalise,
    "offers.extract (contacts, amounts, places, companies)": lambda s: extract(normalise(s)),
    "identity.parse_name": _parse_name_uncached,
    "identity.phonetic.fold": fold,
    "identity.parse_nik": parse_nik,
    "identity.parse_mrz": parse_mrz,
    "identity.parse_mrz (3 lines, OCR-tolerant)": _mrz_lines,
    "identity.parse_mrz (2,000 characters, its cap)": _mrz_at_cap,
    "document mrz (CLI)": _mrz_cli,
    "offers.bulk CSV record": _bulk_csv,
    "offers.bulk CSV raw": _bulk_csv_raw,
    "offers.bulk JSONL record": _bulk_jsonl,
    "offers.bulk JSONL raw": _bulk_jsonl_raw,
    "matching watchlist CSV": _watchlist_csv,
    "offers agency registry CSV": _agency_csv,
}


def test_battery_is_20000_characters() -> None:
    assert len(BATTERY) >= 40
    assert {len(text) for text in BATTERY.values()} == {N}


def slow_cases(fn: Callable[[str], Any], inputs: dict[str, str], bound: float) -> list[str]:
    fn(next(iter(inputs.values()))[:200])  # warm lazy loads (catalogue, model, suffix list)
    slow = []
    for name, text in inputs.items():
        took = best_time(lambda t=text: fn(t), runs=3, bound=bound)
        if took >= bound:
            slow.append(f"{name}: {took * 1000:.0f} ms")
    return slow


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_point_is_fast_on_adversarial_input(entry: str) -> None:
    slow = slow_cases(ENTRY_POINTS[entry], BATTERY, BOUND_S)
    assert not slow, f"{entry} took >= {BOUND_S * 1000:.0f} ms on: " + ", ".join(slow)


def test_reported_inputs_are_fast() -> None:
    """The outside tester's inputs: 3,000 letters (37 s before), x-x-x (13 min), +62 digits."""
    for text in (fill("a", 3_000), fill("x-", 19_990, "http://"), fill("1", 20_004, "+62 ")):
        took = best_time(lambda t=text: analyse(t), bound=BOUND_S)
        assert took < BOUND_S, (text[:20], took)


# --- the same through HTTP ------------------------------------------------------------------

HTTP_BOUND_S = 1.0
"""Whole request (form parsing, analysis, rendering the 20,000-character text back)."""
HTTP_INPUTS = ("letters", "x_dash", "http_x_dash", "plus62_digits", "spaced_letters",
               "elongation", "emoji", "mixed_scripts", "emails_handles", "company_words")


def _public_check(client: TestClient, text: str) -> None:
    from waspada.offers.pages import public_limiter

    public_limiter.reset()
    response = client.post("/cek-lowongan", data={
        "text": text, "csrf_token": client.cookies.get("waspada_csrf")})
    assert response.status_code == 200, response.text[:300]
    assert 'id="risk-level"' in response.text


def test_public_check_page_is_fast_on_adversarial_input(client: TestClient) -> None:
    client.get("/cek-lowongan")
    inputs = {name: BATTERY[name] for name in HTTP_INPUTS}
    slow = slow_cases(lambda t: _public_check(client, t), inputs, HTTP_BOUND_S)
    assert not slow, "/cek-lowongan: " + ", ".join(slow)


def test_offer_check_api_is_fast_on_adversarial_input(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]

    def check(text: str) -> None:
        response = analyst.post("/api/v1/offers/check", json={"text": text},
                                headers=csrf_headers(analyst))
        assert response.status_code == 200, response.text[:300]
        assert response.json()["analysed_chars"] == len(text)

    inputs = {name: BATTERY[name] for name in HTTP_INPUTS}
    slow = slow_cases(check, inputs, HTTP_BOUND_S)
    assert not slow, "/api/v1/offers/check: " + ", ".join(slow)


# --- doubling the input at most (roughly) doubles the time ----------------------------------

ALPHABET = "aA1x-._ @/:+<\n\u0430\u4e2d\U0001F525"
PREFIXES = ("", "http://", "https://", "www.", "+62 ", "PT ", "P<IDN")


def _median_times(fn: Callable[[str], Any], small: str, large: str, runs: int = 5
                  ) -> tuple[float, float]:
    """Median times, measured interleaved so a load spike hits both sizes alike."""
    fn(small)
    fn(large)
    ts: list[float] = []
    tl: list[float] = []
    for _ in range(runs):
        for text, out in ((small, ts), (large, tl)):
            t0 = cpu_clock()
            fn(text)
            out.append(cpu_clock() - t0)
    return statistics.median(ts), statistics.median(tl)


@pytest.mark.parametrize("entry", ["offers.analyse", "identity.parse_mrz (3 lines, OCR-tolerant)",
                                   "offers.bulk CSV record"])
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(unit=st.text(alphabet=ALPHABET, min_size=1, max_size=6),
       prefix=st.sampled_from(PREFIXES))
def test_doubling_the_input_at_most_doubles_the_time(entry: str, unit: str, prefix: str
                                                      ) -> None:
    fn = ENTRY_POINTS[entry]
    small, large = fill(unit, 5_000, prefix), fill(unit, 10_000, prefix)
    t_small, t_large = _median_times(fn, small, large)
    if t_large > 2.5 * t_small + 0.010:  # re-measure once before calling it super-linear
        t_small, t_large = _median_times(fn, small, large, runs=9)
    assert t_large <= 2.5 * t_small + 0.010, (
        f"{entry} on {prefix!r} + {unit!r}*: 5,000 chars {t_small * 1000:.1f} ms, "
        f"10,000 chars {t_large * 1000:.1f} ms")
