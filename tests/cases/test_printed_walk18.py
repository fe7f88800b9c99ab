"""walk18: what the printed case summary and referral letter say - dates as DD-MM-YYYY in
the workflow history, an administrator's organisation by its name, the referral's day on the
unit's calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from waspada.cases import printed

JAKARTA = SimpleNamespace(name="TPI Soekarno-Hatta", time_zone="Asia/Jakarta", city="Tangerang")
OFFICER = SimpleNamespace(full_name="Petugas Uji", username="uji", nip="1", rank="-")
ISSUED = datetime(2026, 12, 1, 17, 41, tzinfo=UTC)


def _case(**extra: Any) -> dict[str, Any]:
    return {"id": 7, "reference": "WSP-2026-000007", "status": "closed",
            "reported_at": "2026-12-01T17:16:00+00:00", "persons": [], "tasks": [],
            "events": [], "referrals": [], "organisations": [], **extra}


def _history_line(values: dict[str, Any], org_names: dict[str, str] | None = None) -> str:
    step = {"at": "2026-12-01T17:16:00+00:00", "to": "handed_over", "actor": "uji",
            "values": values}
    doc = printed.summary_for_pdf(_case(history=[step]), OFFICER, JAKARTA, ISSUED, org_names)
    return str(doc["history"][0][3])


def test_dates_in_the_history_are_printed_day_month_year() -> None:
    line = _history_line({"handover_date": "2026-01-10", "exit_date": "2026-01-03"})
    assert "Tanggal serah terima: 10-01-2026" in line
    assert "Tanggal keluar: 03-01-2026" in line
    assert "2026-01-10" not in line and "2026-01-03" not in line


def test_an_organisation_an_administrator_added_is_printed_by_its_name() -> None:
    line = _history_line({"handover_to": "LSM_UJI"}, {"LSM_UJI": "LSM Pendamping Uji"})
    assert line == "Diserahkan kepada: LSM Pendamping Uji"
    # a code nobody registered stays as it is (nothing invented)
    assert _history_line({"handover_to": "TAK_DIKENAL"}) == "Diserahkan kepada: TAK_DIKENAL"


def test_a_referral_is_dated_on_the_units_calendar() -> None:
    # made at 00:16 WIB on 2 December = 17:16 UTC on 1 December
    referral = {"id": 1, "kind": "referral", "to_org": "LSM Uji", "to_org_code": "LSM_UJI",
                "reason": None, "details": "", "status": "pending", "override": False,
                "created_on": "2026-12-01", "created_at": "2026-12-01T17:16:00+00:00"}
    case = _case(referrals=[referral], history=[])
    letter = printed.referral_for_pdf(case, referral, OFFICER, JAKARTA, ISSUED)
    assert letter["created_on"] == "02-12-2026"
    summary = printed.summary_for_pdf(case, OFFICER, JAKARTA, ISSUED)
    assert summary["referrals"][0][1].endswith("dibuat 02-12-2026")
    # a unit west of the date line keeps the UTC day when it is the same
    utc_unit = SimpleNamespace(name="Uji", time_zone="UTC", city="Uji")
    assert printed.referral_for_pdf(case, referral, OFFICER, utc_unit,
                                    ISSUED)["created_on"] == "01-12-2026"
