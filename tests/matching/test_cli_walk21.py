"""A new user's walk through the matching commands (walk21): what broke on small realistic
files, each checked here."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app

runner = CliRunner()

DIRTY = ("record_id,full_name,birth_date,sex\n"
         "r1,Budi Santoso,1985-03-12,L\n"
         "r2,BUDI SANTOSO,1985-03-12,M\n"
         "r3,,1970-01-01,L\n"
         "r4,Ahmad Fauzi,1938-11-31,L\n")


def test_a_file_name_with_brackets_is_printed_as_it_is_not_as_markup(tmp_path: Path) -> None:
    """``ekspor[/lama]x.csv`` (folder ``ekspor[``) raised rich's MarkupError, a traceback, and
    ``reg[bold]2024.csv`` was printed as ``reg2024.csv``: paths are text, not markup."""
    (tmp_path / "ekspor[").mkdir()
    bad = tmp_path / "ekspor[" / "lama]x.csv"
    bad.write_text("record_id,birth_date\nr1,1985-03-12\n")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(bad), "--output", str(out)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "ekspor[/lama]x.csv" in res.output and "missing required column" in res.output
    dirty = tmp_path / "reg[bold]2024.csv"
    dirty.write_text(DIRTY)
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(dirty), "--queries",
                              str(dirty), "--output", str(tmp_path / "res[1].csv")])
    assert res.exit_code == 0, res.output
    assert "reg[bold]2024.csv:" in res.output and "res[1].csv" in res.output


def test_the_bad_value_summary_is_one_line_in_words_that_count(tmp_path: Path) -> None:
    """The summary wrapped at 80 columns ("1 records \\nskipped") although the docs promise
    one line per input, and said "1 records"."""
    src = tmp_path / "a-rather-long-registry-file-name-from-the-dukcapil-extract.csv"
    src.write_text(DIRTY)
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(src), "--queries",
                              str(src), "--output", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("queries "))
    assert line.endswith("1 bad value read as missing (birth_date 1); "
                         "1 record skipped (line 4: full_name is empty)"), line


def test_a_model_file_is_checked_before_any_input_is_read(tmp_path: Path) -> None:
    """A JSON file that is no model failed the run late with "KeyError: 'comparisons'"; a
    dedupe model given to a linkage failed with Splink's words; a model in a missing folder was
    "the output folder ... does not exist" after the input had been read."""
    src = tmp_path / "in.csv"
    src.write_text(DIRTY)
    out = tmp_path / "out.csv"
    not_a_model = tmp_path / "settings.json"
    not_a_model.write_text('{"threshold": 0.9}')
    res = runner.invoke(app, ["identity", "dedupe", str(src), "-o", str(out), "--model",
                              str(not_a_model)])
    assert res.exit_code == 2 and not out.exists()
    said = " ".join(res.output.split())
    assert f"Error: --model: the model {not_a_model} is not a model saved by waspada" in said
    assert "KeyError" not in said and "read 4 records" not in said  # before any input
    dedupe_model = tmp_path / "dedupe.json"
    dedupe_model.write_text('{"link_type": "dedupe_only", "comparisons": '
                            '[{"output_column_name": "name", "comparison_levels": []}]}')
    res = runner.invoke(app, ["identity", "link", str(src), str(src), "-o", str(out),
                              "--model", str(dedupe_model)])
    assert res.exit_code == 2 and not out.exists()
    said = " ".join(res.output.split())
    assert "was trained by identity dedupe; identity link needs a model trained by identity " \
           "link" in said, said
    res = runner.invoke(app, ["identity", "dedupe", str(src), "-o", str(out), "--model",
                              str(tmp_path / "nope" / "m.json")])
    assert res.exit_code == 2 and "--model: the output folder" in " ".join(res.output.split())
    assert "bad value" not in res.output  # stopped before reading the input
    res = runner.invoke(app, ["identity", "link", str(src), str(src), "-o", str(out),
                              "--engine", "duckbd"])
    assert res.exit_code == 2 and "--engine must be duckdb or spark" in res.output
    assert "bad value" not in res.output


def test_a_semicolon_separated_file_is_named_as_such(tmp_path: Path) -> None:
    """Indonesia's Excel saves "CSV" with ';' between columns (the comma is its decimal
    separator): the error said "missing required column(s): record_id, full_name" of a file
    whose header holds both."""
    src = tmp_path / "ekspor.csv"
    src.write_text(DIRTY.replace(",", ";"))
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(src), "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    said = " ".join(res.output.split())
    assert "line 1: the columns are separated by semicolons (;)" in said, said
    assert "missing required" not in said
    # a header that truly lacks a column is still named so, semicolons in a name or not
    src.write_text("record_id;x,birth_date\nr1,1985-03-12\n")
    res = runner.invoke(app, ["identity", "dedupe", str(src), "-o", str(out)])
    assert res.exit_code == 2 and "missing required column(s): record_id, full_name" in res.output


def test_watchlist_match_help_says_what_its_threshold_means() -> None:
    """It said "Minimum score." (dedupe and link explain theirs in calibrated terms)."""
    res = runner.invoke(app, ["watchlist", "match", "--help"])
    said = " ".join(res.output.replace("│", " ").split())
    assert "probability that the query is that entry" in said, said
    assert "fewer false alarms" in said


def test_an_expiry_in_the_past_is_refused_before_anything_is_imported(tmp_path: Path) -> None:
    """``watchlist import --expires 2020-01-01`` said "imported 3 entries", and the entries,
    expired at once, were never screened nor listed (a typed 2020 for 2030)."""
    from datetime import date, timedelta

    from pydantic import ValidationError

    from waspada.matching.schemas import EntryIn

    src = tmp_path / "wl.csv"
    src.write_text("record_id,full_name,birth_date\nW21-1,Agus Salim,1965-05-05\n")
    res = runner.invoke(app, ["watchlist", "import", str(src), "--reason", "uji", "--source",
                              "uji", "--expires", "2020-01-01"])
    assert res.exit_code == 2, res.output
    assert "--expires: 2020-01-01 is in the past" in " ".join(res.output.split())
    listed = runner.invoke(app, ["watchlist", "list", "--limit", "500"])
    assert "W21-1" not in listed.output
    today = date.today()
    assert EntryIn(record_id="x", full_name="Agus", reason="r", source="s",
                   expires_on=today.isoformat()).expires_on == today
    try:
        EntryIn(record_id="x", full_name="Agus", reason="r", source="s",
                expires_on=(today - timedelta(days=1)).isoformat())
    except ValidationError as exc:
        assert "in the past" in str(exc)
    else:
        raise AssertionError("yesterday's expiry was taken")


def test_watchlist_add_takes_the_phone_and_birth_place_the_page_and_api_take() -> None:
    """A recruiter is often known by a phone number alone: the page's form and the API take
    one, ``watchlist add`` had no --phone ("No such option")."""
    from sqlalchemy import select

    from waspada.matching.store import WatchlistEntry
    from waspada.platform.db import session_scope

    res = runner.invoke(app, ["watchlist", "add", "--record-id", "W21-PHONE", "--full-name",
                              "Bang Jago", "--reason", "perekrut", "--source", "laporan",
                              "--kind", "recruiter", "--phone", "+62 812-3456-7890",
                              "--birth-place", "Medan"])
    assert res.exit_code == 0, res.output
    with session_scope() as db:
        entry = db.scalars(select(WatchlistEntry).where(
            WatchlistEntry.record_id == "W21-PHONE")).one()
        assert (entry.phone, entry.birth_place) == ("081234567890", "Medan")


def test_a_new_entry_is_first_seen_no_later_than_last_seen() -> None:
    """yente's ``first_seen`` (created_at) came out microseconds after ``last_seen``
    (changed_at): the column default ran at the flush, after the code had set changed_at."""
    from waspada.matching.records import PersonRecord
    from waspada.matching.store import add_entry
    from waspada.platform.db import session_scope

    with session_scope() as db:
        row = add_entry(db, PersonRecord("W21-SEEN", "Siti Aminah"), reason="r", source="s",
                        list_kind="other", expires_on=None, actor="test")
        db.flush()
        assert row.created_at <= row.changed_at
        db.rollback()


def test_no_output_overwrites_an_input_or_another_output(tmp_path: Path) -> None:
    """``identity dedupe reg.csv -o reg.csv`` replaced the registry with its clusters (and
    ``--rejects reg.csv`` or ``--review-output reg.csv`` with their rows): refused before any
    work, the input unchanged."""
    reg = tmp_path / "reg.csv"
    reg.write_text(DIRTY)
    other = tmp_path / "other.csv"
    cases = [
        (["identity", "dedupe", str(reg), "-o", str(reg)], "--output", "input"),
        (["identity", "dedupe", str(reg), "-o", str(other), "--rejects", str(reg)],
         "--rejects", "input"),
        (["identity", "dedupe", str(reg), "-o", str(other), "--review-band", "0.2", "0.5",
          "--review-output", str(tmp_path / "." / "reg.csv")], "--review-output", "input"),
        (["identity", "link", str(other), str(reg), "-o", str(reg)], "--output", "right"),
        (["watchlist", "match", "--watchlist", str(reg), "--queries", str(reg), "-o",
          str(reg)], "--output", "watchlist"),
    ]
    for args, option, what in cases:
        other.write_text(DIRTY)
        res = runner.invoke(app, args)
        said = " ".join(res.output.split())
        assert res.exit_code == 2, (args, said)
        assert f"Error: {option} " in said and f"is the {what} file" in said, said
        assert reg.read_text() == DIRTY
    res = runner.invoke(app, ["identity", "dedupe", str(reg), "-o", str(other), "--rejects",
                              str(other)])
    assert res.exit_code == 2
    assert "--output and --rejects are the same file" in " ".join(res.output.split())
