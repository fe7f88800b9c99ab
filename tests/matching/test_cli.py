"""`waspada identity dedupe|link` and `waspada watchlist match|import|add|remove|list`."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from tests.matching.conftest import base_records, write_csv
from waspada.cli import app
from waspada.matching.records import PersonRecord

runner = CliRunner()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_watchlist_match_writes_ranked_rows(tmp_path: Path) -> None:
    wl = write_csv(tmp_path / "wl.csv", base_records()[:300])
    target = base_records()[7]
    queries = [PersonRecord("Q1", "Drs. " + target.full_name, target.birth_date, target.sex),
               PersonRecord("Q2", "Zzyzx Qwerty")]
    q = write_csv(tmp_path / "q.csv", queries)
    out = tmp_path / "res.csv"
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(wl), "--queries", str(q),
                              "--output", str(out), "--top", "3"])
    assert res.exit_code == 0, res.output
    rows = _rows(out)
    assert list(rows[0]) == ["query_id", "rank", "record_id", "score"]
    assert rows[0]["query_id"] == "Q1" and rows[0]["rank"] == "1"
    assert rows[0]["record_id"] == target.record_id
    assert not [r for r in rows if r["query_id"] == "Q2"]
    assert len([r for r in rows if r["query_id"] == "Q1"]) <= 3


def test_dedupe_and_link_cli(person_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, truth = person_file
    out = tmp_path / "clusters.csv"
    model = tmp_path / "model.json"
    res = runner.invoke(app, ["identity", "dedupe", str(path), "--output", str(out),
                              "--model", str(model)])
    assert res.exit_code == 0, res.output
    rows = _rows(out)
    assert list(rows[0]) == ["record_id", "cluster_id"] and len(rows) == 640
    cl = {r["record_id"]: r["cluster_id"] for r in rows}
    assert sum(cl[a] == cl[b] for a, b in truth) >= 0.85 * len(truth)
    assert model.exists()
    # link: base file against the duplicates
    dup = {b for _, b in truth}
    recs = [r for r in base_records()]
    from tests.matching.conftest import dataset

    allrecs, _ = dataset()
    left = write_csv(tmp_path / "l.csv", recs)
    right = write_csv(tmp_path / "r.csv", [r for r in allrecs if r.record_id in dup])
    pairs = tmp_path / "pairs.csv"
    res = runner.invoke(app, ["identity", "link", str(left), str(right), "--output", str(pairs),
                              "--threshold", "0.9"])
    assert res.exit_code == 0, res.output
    prow = _rows(pairs)
    assert list(prow[0]) == ["left_id", "right_id", "probability"]
    assert len({(r["left_id"], r["right_id"]) for r in prow} & set(truth)) >= 0.85 * len(truth)
    once = tmp_path / "once.csv"
    res = runner.invoke(app, ["identity", "link", str(left), str(right), "--output", str(once),
                              "--threshold", "0.05", "--one-to-one"])
    assert res.exit_code == 0, res.output
    orow = _rows(once)
    assert len({r["left_id"] for r in orow}) == len(orow) == len({r["right_id"] for r in orow})
    assert len({(r["left_id"], r["right_id"]) for r in orow} & set(truth)) >= 0.85 * len(truth)


def test_structural_csv_errors_stop_with_the_line_and_no_output(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    cases = {
        "unterminated quote": 'record_id,full_name\n1,Budi\n2,"Ani\n3,Citra\n',
        "field count": "record_id,full_name\n1,Budi\n2,Ani,extra\n",
        "duplicate record_id": "record_id,full_name\n1,Budi\n1,Ani\n",
    }
    for label, text in cases.items():
        bad = tmp_path / "bad.csv"
        bad.write_text(text)
        for args in (["identity", "dedupe", str(bad), "--output", str(out)],
                     ["watchlist", "match", "--watchlist", str(bad), "--queries", str(bad),
                      "--output", str(out)]):
            res = runner.invoke(app, args)
            assert res.exit_code == 2, label
            assert "line " in res.output and "Traceback" not in res.output, label
            assert not out.exists()
            assert not list(tmp_path.glob(".out.csv*"))
    missing = tmp_path / "missing.csv"
    missing.write_text("id,name\n1,Budi\n")
    res = runner.invoke(app, ["identity", "dedupe", str(missing), "--output", str(out)])
    assert res.exit_code == 2 and "line 1" in res.output and "record_id" in res.output
    res = runner.invoke(app, ["identity", "dedupe", str(tmp_path / "nope.csv"), "--output",
                              str(out)])
    assert res.exit_code == 2 and "cannot read" in res.output


def test_bad_values_are_read_as_missing_and_reported(tmp_path: Path) -> None:
    """A registry with an impossible date and a nameless record: the run carries on, nothing
    is dropped silently (issue #13 item 4)."""
    rows = ["record_id,full_name,birth_date,sex"]
    rows += [f"{i},Orang Nomor {i},1980-01-{(i % 28) + 1:02d},M" for i in range(1, 40)]
    rows += ["40,Ani Lestari,1938-11-31,F", "41,,1990-01-01,F", "42,Budi Santoso,1990-01-02,X"]
    src = tmp_path / "registry.csv"
    src.write_text("\n".join(rows) + "\n")
    out, rej = tmp_path / "out.csv", tmp_path / "rejects.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(src), "--output", str(out),
                              "--rejects", str(rej)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())  # Rich wraps long lines
    assert "2 bad values read as missing (birth_date 1, sex 1)" in said
    assert "1 record skipped (line 42: full_name is empty)" in said
    assert "wrote 3 rejected values" in said
    assert "1938-11-31" not in said  # the summary names no value
    clustered = {r["record_id"] for r in _rows(out)}
    assert "40" in clustered and "42" in clustered and "41" not in clustered
    got = _rows(rej)
    assert [(r["line"], r["column"], r["action"]) for r in got] == [
        ("41", "birth_date", "read as missing"), ("42", "full_name", "record skipped"),
        ("43", "sex", "read as missing")]
    assert all(r["file"] == str(src) for r in got)
    # without --rejects the summary says how to get the details
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(src), "--queries",
                              str(src), "--output", str(out)])
    assert res.exit_code == 0 and "--rejects FILE" in " ".join(res.output.split())


def test_watchlist_db_commands_are_audited(tmp_path: Path) -> None:
    from sqlalchemy import select

    from waspada.platform.audit import AuditEntry
    from waspada.platform.db import session_scope

    f = write_csv(tmp_path / "imp.csv", [PersonRecord("CLI-WL-1", "Suparman Hadi"),
                                         PersonRecord("CLI-WL-2", "Ujang Permana")])
    res = runner.invoke(app, ["watchlist", "import", str(f), "--reason", "test listing",
                              "--source", "unit test", "--kind", "recruiter"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["watchlist", "add", "--record-id", "CLI-WL-3", "--full-name",
                              "Joko Susilo", "--reason", "r", "--source", "s",
                              "--birth-date", "1980-02-02"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["watchlist", "list", "--limit", "500"])
    assert res.exit_code == 0 and "CLI-WL-3" in res.output
    res = runner.invoke(app, ["watchlist", "remove", "CLI-WL-3", "--reason", "resolved"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["watchlist", "remove", "CLI-WL-3", "--reason", "again"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["watchlist", "add", "--record-id", "X", "--full-name", "Y",
                              "--reason", "r", "--source", "s", "--kind", "bogus"])
    assert res.exit_code == 2
    with session_scope() as db:
        actions = [a for (a,) in db.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("watchlist.%")))]
    assert {"watchlist.import", "watchlist.add", "watchlist.remove"} <= set(actions)


def test_dedupe_of_a_header_only_file_writes_an_empty_result(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("record_id,full_name,birth_date,sex,birth_place,address,nik,passport_no,"
                     "phone\n")
    out = tmp_path / "clusters.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(empty), "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text().splitlines() == ["record_id,cluster_id"]


def test_dedupe_prints_the_threshold_chosen_for_a_precision_target_or_the_fixed_one(  # type: ignore[no-untyped-def]
        person_file, tmp_path: Path) -> None:
    import re

    path, _ = person_file
    out = tmp_path / "auto.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(path), "--output", str(out),
                              "--precision", "0.99"])
    assert res.exit_code == 0, res.output
    line = re.search(r"threshold ([0-9.]+) \(chosen for an estimated precision >= 0\.99\): "
                     r"estimated precision ([0-9.]+), estimated recall ([0-9.]+) of the pairs "
                     r"scored >= 0\.001; ([0-9,]+) pairs at or above the threshold", res.output)
    assert line, res.output
    chosen, precision = float(line.group(1)), float(line.group(2))
    assert chosen >= 0.5 and precision >= 0.99 and 0.0 < float(line.group(3)) <= 1.0
    assert int(line.group(4).replace(",", "")) > 0
    # the default: the fixed 0.5 as before (no target), the clusters those of 0.5
    fixed = tmp_path / "fixed.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(path), "--output", str(fixed),
                              "--review-band", "0.01", "1.0"])
    assert res.exit_code == 0, res.output
    assert "threshold 0.5 (fixed): estimated precision" in res.output
    pairs = [(r["record_id_l"], r["record_id_r"]) for r in
             _rows(fixed.with_name("fixed.review.csv")) if float(r["probability"]) >= 0.5]
    cl = {r["record_id"]: r["cluster_id"] for r in _rows(fixed)}
    together = sum(cl[a] == cl[b] for a, b in pairs)
    assert together >= 0.97 * len(pairs)  # only chained clusters are split


def test_threshold_and_precision_are_checked_before_any_work(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("record_id,full_name\n1,Budi\n2,Budi\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    for args, message in (
            (["--precision", "0.5"], "--precision must be in (0.5, 1)"),
            (["--precision", "1"], "--precision must be in (0.5, 1)"),
            (["--precision", "nan"], "--precision must be in (0.5, 1)"),
            (["--threshold", "0"], "--threshold must be in (0, 1]"),
            (["--threshold", "0.9", "--precision", "0.99"], "not both")):
        res = runner.invoke(app, ["identity", "dedupe", str(src), "--output", str(out), *args])
        assert res.exit_code == 2 and message in res.output, (args, res.output)
        assert not out.exists()
        res = runner.invoke(app, ["identity", "link", str(src), str(src), "--output", str(out),
                                  *args])
        assert res.exit_code == 2 and message in res.output, (args, res.output)


def test_watchlist_match_default_threshold_is_the_apis(tmp_path: Path) -> None:
    """The command defaulted to 0.5 where ``POST /api/v1/match`` defaults to 0.7: a full name
    without a birth date (0.52 here) was written by the command and not returned by the API."""
    from waspada.matching.schemas import WATCHLIST_THRESHOLD, MatchParams

    assert MatchParams().threshold == WATCHLIST_THRESHOLD == 0.7
    records = base_records()[:300]
    wl = write_csv(tmp_path / "wl.csv", records)
    name_only = next(r for r in records if r.record_id == "SYN-0000016")
    q = write_csv(tmp_path / "q.csv", [PersonRecord("Q1", name_only.full_name)])
    scores = {}
    for label, extra in (("default", []), ("half", ["--threshold", "0.5"])):
        out = tmp_path / f"{label}.csv"
        res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(wl), "--queries",
                                  str(q), "--output", str(out), *extra])
        assert res.exit_code == 0, res.output
        scores[label] = [float(r["score"]) for r in _rows(out)]
    assert any(0.5 <= s < WATCHLIST_THRESHOLD for s in scores["half"]), scores
    assert scores["default"] == [s for s in scores["half"] if s >= WATCHLIST_THRESHOLD]
