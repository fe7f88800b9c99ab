"""Person-centred search (issue #16): one box finds cases, screenings and watchlist entries by
name (tolerant, through the matching engine), NIK, passport or phone, scoped to what the role
and unit may see; every search is audited and never logged."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.conftest import csrf_headers
from waspada.platform import audit
from waspada.platform.db import session_scope
from waspada.platform.search import SearchError, classify, phone_key

#: the demo traveller screened at TPI Soekarno-Hatta and (as "Sitti Nur Haliza") at the
#: passport office in Malang, with the same NIK
SITI_NIK = "3507014403960002"


def _search(client: TestClient, query: str) -> Response:
    return client.post("/search", data={"q": query}, headers=csrf_headers(client))


def _refs(page: str) -> set[str]:
    import re

    return set(re.findall(r'<a href="/(?:screenings|cases)/\d+">([^<]+)</a>', page))


def test_queries_are_classified() -> None:
    assert classify("3507 0144 0396 0002").kind == "nik"
    assert classify("b 3389177").value == "B3389177"
    assert classify("+62 877-2559-1494").value == "87725591494"
    assert classify("WSP-2026-000001").kind == "reference"
    assert classify("  Supriyadi   Wijaya ").text == "Supriyadi Wijaya"
    assert phone_key("087725591494") == phone_key("+6287725591494") == "87725591494"
    with pytest.raises(SearchError):
        classify("ab")


def test_a_misspelt_name_finds_the_screening_of_the_own_unit_only(
        role_clients: dict[str, TestClient]) -> None:
    tpi = _search(role_clients["checkpoint_officer"], "Supriadi Wijaja")
    assert tpi.status_code == 200
    assert "BAP/TPI-SOEKARNO-HATTA/2026/0000001" in _refs(tpi.text)
    malang = _search(role_clients["passport_officer"], "Supriadi Wijaja")
    assert not any(ref.startswith("BAP/TPI") for ref in _refs(malang.text))


def test_a_first_name_alone_finds_everyone_of_that_name(
        role_clients: dict[str, TestClient]) -> None:
    found = _refs(_search(role_clients["checkpoint_officer"], "Budi").text)
    assert {"BAP/TPI-SOEKARNO-HATTA/2026/0000005", "BAP/TPI-SOEKARNO-HATTA/2026/0000012"} <= found


def test_no_leak_across_units_by_nik(role_clients: dict[str, TestClient]) -> None:
    tpi = _refs(_search(role_clients["checkpoint_officer"], SITI_NIK).text)
    malang = _refs(_search(role_clients["passport_officer"], SITI_NIK).text)
    analyst = _refs(_search(role_clients["analyst"], SITI_NIK).text)
    assert any(r.startswith("BAP/TPI-SOEKARNO-HATTA") for r in tpi)
    assert not any(r.startswith("BAPP/KANIM") for r in tpi)
    assert any(r.startswith("BAPP/KANIM-KELAS-I-MALANG") for r in malang)
    assert not any(r.startswith("BAP/TPI") for r in malang)
    assert {r for r in analyst if "2026/00000" in r} >= {r for r in tpi | malang
                                                          if "2026/00000" in r}


def test_cases_only_for_roles_that_see_identities(role_clients: dict[str, TestClient]) -> None:
    protection = _search(role_clients["protection_officer"], "Heru Wibowo")
    assert any(ref.startswith("WSP-") for ref in _refs(protection.text))
    # the analyst reads de-identified cases: a name must not reveal which case it is in
    analyst = _search(role_clients["analyst"], "Heru Wibowo")
    assert not any(ref.startswith("WSP-") for ref in _refs(analyst.text))
    # the case belongs to KBRI Phnom Penh: a checkpoint officer of another unit finds nothing
    tpi = _search(role_clients["checkpoint_officer"], "Heru Wibowo")
    assert not any(ref.startswith("WSP-") for ref in _refs(tpi.text))


def test_watchlist_by_phone_and_passport(role_clients: dict[str, TestClient]) -> None:
    officer = role_clients["checkpoint_officer"]
    by_phone = _search(officer, "+62 877 2559 1494")
    assert "DEMO-WL-0000001" in by_phone.text and "Supriyadi Wijaya" in by_phone.text
    by_passport = _search(officer, "b3389177")
    assert "BAP/TPI-SOEKARNO-HATTA/2026/0000001" in _refs(by_passport.text)


def test_every_search_is_audited_and_never_logged(role_clients: dict[str, TestClient],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    query = "Stefanus Mandagy"
    with caplog.at_level(logging.DEBUG):
        page = _search(role_clients["checkpoint_officer"], query)
    assert page.status_code == 200
    server_logs = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records
                            if r.name.startswith(("waspada", "uvicorn", "sqlalchemy")))
    assert "Mandagy" not in server_logs
    with session_scope() as session:
        entry = session.scalar(select(audit.AuditEntry)
                               .where(audit.AuditEntry.action == "search.persons")
                               .order_by(audit.AuditEntry.seq.desc()).limit(1))
        assert entry is not None and entry.actor == "petugas.tpi"
        assert query in entry.detail and '"kind": "name"' in entry.detail


def test_roles_without_search_are_refused_and_bad_queries_explained(
        role_clients: dict[str, TestClient]) -> None:
    assert _search(role_clients["auditor"], "Budi").status_code == 403
    assert _search(role_clients["admin"], "Budi").status_code == 403
    short = _search(role_clients["analyst"], "ab")
    assert short.status_code == 400 and "sedikitnya 3 huruf" in short.text
    assert role_clients["analyst"].get("/search", params={"q": "Budi"}).text.count("Budi") == 0
    assert 'action="/search"' in role_clients["analyst"].get("/").text  # the navigation box
    assert 'action="/search"' not in role_clients["auditor"].get("/").text


def test_details_read_as_words_not_codes(role_clients: dict[str, TestClient]) -> None:
    """walk task17: a hit's details read "KHM · 2026-12-01"; they name the country and the
    local day and time as every other page does."""
    import re

    page = _search(role_clients["checkpoint_officer"], SITI_NIK).text
    rows = re.findall(r"<tr><td>Pemeriksaan</td>.*?</tr>", page, flags=re.S)
    assert rows, page
    for row in rows:
        assert not re.search(r"\b[A-Z]{3} · ", row) and not re.search(r"\d{4}-\d{2}-\d{2}", row)
        assert re.search(r"<td>[A-Z][a-z][^<]* · \d{2}-\d{2}-\d{4} \d{2}:\d{2} WI[BT]A?</td>", row), row
