"""Lists on the command line fit an 80-column terminal, one line a row (tidy20): every list
command follows ``waspada.platform.console.ListTable`` - short one-line headers, a rule, free
text cut with "…", times as "01 Dec 23:41" (UTC), the other columns behind ``--wide``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from waspada.cli import app
from waspada.exchange.models import OutboxItem, Partner
from waspada.platform.console import Col, ListTable
from waspada.platform.db import session_scope
from waspada.platform.security.models import User
from waspada.platform.security.users import add_user

runner = CliRunner()
NARROW = {"COLUMNS": "80"}
LONG_NAME = "ekspor harian kasus untuk laporan mingguan Kanim Kelas I Malang"


def _rows(args: list[str], first_cells: Collection[str]) -> list[str]:
    """The command's table at 80 columns: each line at most 80 wide, the header and the rule,
    then exactly one line for each row (a wrapped cell would add a line that does not start
    with a row's first cell)."""
    result = runner.invoke(app, args, env=NARROW)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), result.output
    assert set(lines[1]) == {"─"}, result.output  # the rule under a one-line header
    rows = lines[2:]
    assert len(rows) == len(first_cells), result.output
    assert Counter(row.split()[0] for row in rows) == Counter(first_cells), result.output
    return rows


def test_users_list_is_one_line_a_user_with_username_role_and_unit_whole() -> None:
    with session_scope() as session:
        add_user(session, "tabel.unit.panjang", role="protection_officer",
                 unit="Konsulat Jenderal Republik Indonesia di Kota Kinabalu", password="x" * 12,
                 create_unit=True)
        users = {u.username: u for u in session.scalars(select(User))}
        expected = {name: (u.role, u.unit.name) for name, u in users.items()}
    rows = _rows(["users", "list"], set(expected))
    for row in rows:
        name = row.split()[0]
        role, unit = expected[name]
        assert f" {role} " in row
        if len(unit) <= 20:  # the demo's units, whole
            assert unit in row, row
    long_row = next(r for r in rows if r.startswith("tabel.unit.panjang "))
    assert "Konsulat Jenderal" in long_row and "…" in long_row  # cut, not wrapped
    wide = runner.invoke(app, ["users", "list", "--wide"], env=NARROW)
    assert "last sign-in" in wide.output
    assert "Konsulat Jenderal Republik Indonesia di Kota Kinabalu" in wide.output


def test_users_units_fits_80_columns() -> None:
    from waspada.platform.security.models import Unit

    with session_scope() as session:
        add_user(session, "tabel.unit.panjang2", role="analyst", password="x" * 12,
                 unit="Konsulat Jenderal Republik Indonesia di Kota Kinabalu Sabah Malaysia")
        names = set(session.scalars(select(Unit.name)))
    rows = _rows(["users", "units"], [name.split()[0] for name in names])
    room = 80 - len("immigration_office Asia/Phnom_Penh ")  # for the unit's name
    short = [name for name in names if len(name) <= room]
    assert all(any(f"{name} " in row for row in rows) for name in short)  # whole
    assert sum("…" in row for row in rows) == len(names) - len(short) > 0  # cut


def test_users_tokens_is_one_line_a_token_and_wide_shows_the_rest() -> None:
    with session_scope() as session:
        add_user(session, "tabel.token", role="analyst", unit="Unit Uji", password="x" * 12)
    for name in (LONG_NAME, "skrip", "[bold]bukan markup"):
        made = runner.invoke(app, ["users", "token", "tabel.token", "--name", name])
        assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["users", "tokens", "tabel.token"], env=NARROW)
    ids = {line.split()[0] for line in listed.output.splitlines()[2:]}
    assert len(ids) == 3
    rows = _rows(["users", "tokens", "tabel.token"], ids)
    assert listed.output.splitlines()[0].split() == [
        "id", "name", "prefix", "scope", "last", "used", "expires", "state"]
    long_row = next(r for r in rows if "ekspor harian" in r)
    assert LONG_NAME not in long_row and "…" in long_row
    assert any("[bold]bukan markup" in r for r in rows)  # shown as typed, not as markup
    assert all(r.split()[-1] == "active" and " read " in r for r in rows)
    wide = runner.invoke(app, ["users", "tokens", "tabel.token", "--wide"], env=NARROW)
    assert wide.exit_code == 0, wide.output
    assert LONG_NAME in wide.output and "…" not in wide.output
    assert "created" in wide.output and "last refused" in wide.output
    assert len(wide.output.splitlines()) == 2 + 3  # wide, still one line a token
    with session_scope() as session:
        add_user(session, "tabel.tanpa.token", role="analyst", unit="Unit Uji",
                 password="x" * 12)
    none = runner.invoke(app, ["users", "tokens", "tabel.tanpa.token"], env=NARROW)
    assert none.exit_code == 0 and none.output == "tabel.tanpa.token has no API tokens.\n"


def test_exchange_partners_and_outbox_fit_80_columns() -> None:
    with session_scope() as session:
        partners = set(session.scalars(select(Partner.name)))
    assert partners, "the demo has partners"
    partner = min(partners)
    queued = runner.invoke(app, ["exchange", "send-ping", "--to", partner])
    assert queued.exit_code == 0, queued.output
    with session_scope() as session:
        session.execute(update(OutboxItem).values(
            last_error="connection refused by https://mitra.example.go.id/api/exchange/inbox "
                       "after 30 seconds; the partner's server did not answer"))
        outbox_ids = {str(i) for i in session.scalars(select(OutboxItem.id))}
    rows = _rows(["exchange", "partner", "list"], partners)
    assert all(" manual " in r or " auto " in r for r in rows)
    rows = _rows(["exchange", "outbox"], outbox_ids)
    assert all(r.rstrip().endswith("…") for r in rows)
    wide = runner.invoke(app, ["exchange", "outbox", "--wide"], env=NARROW)
    assert "did not answer" in wide.output
    wide = runner.invoke(app, ["exchange", "partner", "list", "--wide"], env=NARROW)
    assert "fingerprint" in wide.output


def test_jobs_list_fits_80_columns_and_wide_adds_finished_and_error() -> None:
    from waspada.platform.jobs.store import Job

    with session_scope() as session:  # finished: no worker of another test picks them up
        made = [Job(kind="matching.dedupe", owner_name="analis." + "panjang" * 12,
                    owner_role="analyst", status="failed", error_code="owner_changed"),
                Job(kind="cases.export", owner_name="pelindungan",
                    owner_role="protection_officer", status="done", done=3, total=3)]
        session.add_all(made)
        session.flush()
        ids = {str(job.id) for job in made}
    listed = runner.invoke(app, ["jobs", "list", "--limit", "2"], env=NARROW)
    assert listed.output.splitlines()[0].split() == [
        "id", "kind", "owner", "status", "progress", "created"]
    rows = _rows(["jobs", "list", "--limit", "2"], ids)
    assert any("analis.panjang" in r and "…" in r for r in rows)
    wide = runner.invoke(app, ["jobs", "list", "--limit", "2", "--wide"], env=NARROW)
    assert "owner_changed" in wide.output and "analis." + "panjang" * 12 in wide.output


# -- the table itself ---------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 23, 45)


@pytest.mark.parametrize(("moment", "wide", "shown"), [
    (None, False, "-"),
    (datetime(2026, 12, 1, 8, 5), False, "01 Dec 08:05"),
    (datetime(2027, 3, 1, 8, 5), False, "01 Mar 08:05"),  # within 180 days: the hour
    (datetime(2027, 9, 27, 8, 5), False, "27 Sep 2027"),  # farther: the year
    (datetime(2025, 1, 9, 8, 5), False, "09 Jan 2025"),
    ("2026-11-30T20:00:00+07:00", False, "30 Nov 13:00"),  # an aware time shows in UTC
    (datetime(2026, 12, 1, 8, 5), True, "2026-12-01 08:05"),
])
def test_times_are_compact_and_utc(moment: datetime | str | None, wide: bool,
                                   shown: str) -> None:
    assert ListTable([Col("x")], wide).when(moment, NOW) == shown


def test_flex_columns_give_way_widest_first_and_the_rest_stay_whole() -> None:
    table = ListTable([Col("id"), Col("name", flex=True, min_width=8),
                       Col("note", flex=True, min_width=8), Col("state"),
                       Col("secret", wide_only=True)])
    table.add_row("1", "n" * 50, "c" * 30, "active", "s")
    widths = table.widths(80)
    assert sum(widths) + len(widths) - 1 == 80
    assert widths == [2, 39, 30, 6]  # the widest gave way; id and state whole
    table.add_row("2", "n", "c" * 45, "-", "s")
    widths = table.widths(80)
    assert sum(widths) + len(widths) - 1 == 80
    assert widths[0] == 2 and widths[3] == 6 and abs(widths[1] - widths[2]) <= 1
    assert [c.header for c in table.columns] == ["id", "name", "note", "state"]
    assert ListTable(table.columns).widths(80) == [2, 4, 4, 5]  # headers alone
    with pytest.raises(ValueError, match="2 cells for 5 columns"):
        table.add_row("1", "2")


def test_a_narrow_row_is_left_alone_and_wide_never_cuts() -> None:
    columns = [Col("name", flex=True), Col("when")]
    narrow = ListTable(columns)
    narrow.add_row("skrip", "01 Dec 08:05")
    assert narrow.widths(80) == [5, 12]
    wide = ListTable(columns, wide=True)
    wide.add_row("x" * 200, "2026-12-01 08:05")
    assert wide.widths(80) == [200, 16]


def test_times_near_now_by_default() -> None:
    recent = datetime.now(UTC) - timedelta(hours=1)
    assert ListTable([Col("x")]).when(recent).endswith(recent.strftime("%H:%M"))
