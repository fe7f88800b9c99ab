"""Local time per unit: UTC stored, the unit's wall-clock time and zone shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.jobs_helpers import finish_jobs, job_id_of
from waspada.demo.synthetic import DEMO_UNIT_PLACES
from waspada.platform.db import session_scope
from waspada.platform.security import auth
from waspada.platform.security.models import Unit, User
from waspada.platform.security.users import add_user
from waspada.platform.timezones import format_local, is_valid_zone, zone_for_unit_name

EVENING_UTC = datetime(2026, 11, 28, 20, 44, tzinfo=UTC)
PASSWORD = "Sangat-rahasia-123"


def test_utc_evening_is_next_morning_in_each_indonesian_zone() -> None:
    assert format_local(EVENING_UTC, "Asia/Jakarta") == "29-11-2026 03:44 WIB"
    assert format_local(EVENING_UTC, "Asia/Makassar") == "29-11-2026 04:44 WITA"
    assert format_local(EVENING_UTC, "Asia/Jayapura") == "29-11-2026 05:44 WIT"
    assert format_local(EVENING_UTC, "Asia/Phnom_Penh") == "29-11-2026 03:44 UTC+07:00"
    # stored naive values are UTC; ISO strings from the API too; dates stay dates
    assert format_local(EVENING_UTC.replace(tzinfo=None), "Asia/Jakarta", "%H:%M") == "03:44 WIB"
    assert format_local(EVENING_UTC.isoformat(), "Asia/Jakarta", "%H:%M") == "03:44 WIB"
    assert format_local("2026-11-28", "Asia/Jayapura") == "28-11-2026"
    assert format_local(date(2026, 11, 28), "Asia/Jayapura") == "28-11-2026"
    assert format_local(None, "Asia/Jakarta") == "—"
    # an unknown zone falls back to WIB rather than failing a page
    assert format_local(EVENING_UTC, "Mars/Olympus", "%H:%M") == "03:44 WIB"


def test_zone_from_unit_name() -> None:
    assert zone_for_unit_name("TPI Soekarno-Hatta") == "Asia/Jakarta"
    assert zone_for_unit_name("TPI Ngurah Rai") == "Asia/Makassar"
    assert zone_for_unit_name("Kanim Kelas I Jayapura") == "Asia/Jayapura"
    assert zone_for_unit_name("KBRI Phnom Penh") == "Asia/Phnom_Penh"
    assert all(is_valid_zone(zone) for zone, _city in DEMO_UNIT_PLACES.values())


def test_account_page_shows_token_time_in_the_unit_zone(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        for username, unit in (("waktu.cgk", "TPI Soekarno-Hatta"), ("waktu.dps", "TPI Ngurah Rai")):
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = add_user(session, username, role="analyst", unit=unit, password=PASSWORD)
                session.flush()
            token, _raw = auth.create_api_token(session, user, f"token {username}",
                                                scope="full")
            token.created_at = EVENING_UTC
    wib = sign_in(TestClient(app), "waktu.cgk", PASSWORD).get("/account")
    assert wib.status_code == 200
    assert "29-11-2026 03:44 WIB" in wib.text and "20:44" not in wib.text
    wita = sign_in(TestClient(app), "waktu.dps", PASSWORD).get("/account")
    assert "29-11-2026 04:44 WITA" in wita.text
    with session_scope() as session:
        unit = session.scalar(select(Unit).where(Unit.name == "TPI Ngurah Rai"))
        assert unit is not None and unit.time_zone == "Asia/Makassar"


def test_screening_export_has_local_time_with_zone(role_clients) -> None:  # type: ignore[no-untyped-def]
    tpi = role_clients["checkpoint_officer"]
    created = tpi.post("/api/v1/screenings", json={"full_name": "Waktu Ekspor",
                                                   "destination_country": "THA"})
    assert created.status_code == 201
    tpi.get("/screenings")
    started = tpi.post("/screenings/export", data={
        "format": "csv", "csrf_token": tpi.cookies.get("waspada_csrf")}, follow_redirects=False)
    job_id = job_id_of(started)
    finish_jobs()
    export = tpi.get(f"/jobs/{job_id}/screenings.csv")
    header, *rows = export.text.splitlines()
    assert "Waktu (UTC),Waktu setempat" in header, header
    row = next(r for r in rows if "Waktu Ekspor" in r)
    utc, local = row.split(",")[1:3]
    expected = format_local(datetime.fromisoformat(utc).replace(tzinfo=UTC), "Asia/Jakarta",
                            "%d-%m-%Y %H:%M")  # r25: as pages write it
    assert local == expected and local.endswith(" WIB")


def test_a_date_without_a_time_of_day_carries_no_zone() -> None:
    """Round 25: a deadline read "05-12-2026 UTC+07:00" (Phnom Penh) or "... WIB"; a date
    alone names no zone, but is still the date in the unit's zone (evening UTC = next day)."""
    assert format_local(EVENING_UTC, "Asia/Phnom_Penh", "%d-%m-%Y") == "29-11-2026"
    assert format_local(EVENING_UTC, "Asia/Jakarta", "%d-%m-%Y") == "29-11-2026"
    assert format_local(EVENING_UTC, "Asia/Jakarta", "%d-%m-%Y %H:%M") == "29-11-2026 03:44 WIB"
    assert format_local(EVENING_UTC, "Asia/Jakarta", "%d-%m-%Y pukul %H.%M") == (
        "29-11-2026 pukul 03.44 WIB")
    assert format_local(EVENING_UTC, "Asia/Jakarta", "100%% %d-%m-%Y") == "100% 29-11-2026"
