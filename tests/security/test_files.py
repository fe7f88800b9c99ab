"""Files in and out (security defects 3 and 6): strict CSV, bounded JSON, safe outputs.

Each defect test below failed on the code before ``waspada.platform.files`` existed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.jobs_helpers import run_job_page
from waspada.cli import app
from waspada.matching.records import RecordError, read_records_text
from waspada.platform.files import (
    FileError,
    atomic_writer,
    check_output_path,
    dumps_json,
    iter_csv,
    json_depth_ok,
    loads_json,
    read_csv,
    write_csv_atomic,
)

runner = CliRunner()
UNTERMINATED = 'record_id,full_name\nr1,"Ani\nr2,Budi\n'
NESTED = "[" * 100_000
RISKY = "Loker CS Kamboja gaji 15jt, tanpa pengalaman, tiket ditanggung, hub wa.me/6281234567890"


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _people(tmp_path: Path, name: str = "p.csv", text: str = "record_id,full_name\nr1,Ani\n"
            ) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- defect 3: unterminated quotes / fields swallowing line breaks ---------------------------

def test_person_csv_unterminated_quote_is_an_error_with_its_line() -> None:
    with pytest.raises(RecordError) as exc:
        read_records_text(UNTERMINATED)
    assert exc.value.line == 2 and "unterminated quote" in str(exc.value)


def test_person_csv_field_holding_a_line_break_is_an_error() -> None:
    with pytest.raises(RecordError) as exc:
        read_records_text('record_id,full_name\nr1,"Ani\nr2,Budi"\nr3,Joko\n')
    assert exc.value.line == 2 and "line 3" in str(exc.value)


@pytest.mark.parametrize("command", [
    ["watchlist", "match", "--watchlist", "{bad}", "--queries", "{good}", "-o", "{out}"],
    ["identity", "dedupe", "{bad}", "-o", "{out}"],
    ["identity", "link", "{good}", "{bad}", "-o", "{out}"],
    ["watchlist", "import", "{bad}", "--reason", "r", "--source", "s"],
])
def test_person_commands_refuse_unterminated_quote(tmp_path: Path, command: list[str]) -> None:
    bad = _people(tmp_path, "bad.csv", UNTERMINATED)
    good = _people(tmp_path, "good.csv")
    out = tmp_path / "out.csv"
    args = [a.format(bad=bad, good=good, out=out) for a in command]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "line 2" in res.output and "unterminated quote" in res.output
    assert not out.exists()
    _clean(res)


def test_offers_scan_refuses_unterminated_quote(tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    src.write_text('id,text\n1,"kerja di Kamboja\n2,halo\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["offers", "scan", str(src), "-o", str(out), "--skip-bad"])
    assert res.exit_code == 2
    assert "line 2" in res.output and "unterminated quote" in res.output
    assert not out.exists()
    _clean(res)


def test_import_agencies_refuses_unterminated_quote(tmp_path: Path) -> None:
    src = tmp_path / "p3mi.csv"
    src.write_text('name,address\nPT Satu,"Jakarta\nPT Dua,Surabaya\n', encoding="utf-8")
    res = runner.invoke(app, ["offers", "import-agencies", str(src)])
    assert res.exit_code == 2 and "line 2" in res.output and "unterminated" in res.output
    _clean(res)


def _post_scan(client: TestClient, name: str, data: bytes):  # type: ignore[no-untyped-def]
    """The scan page's answer: a refusal, or (the scan being a background job) the finished
    job's page with its lines not scanned."""
    response = client.post("/offers/scan", data={"csrf_token": client.cookies["waspada_csrf"]},
                           files={"upload": (name, data, "text/csv")}, follow_redirects=False)
    if response.status_code != 303:
        return response
    return run_job_page(client, response, section="problems")


def test_web_bulk_scan_errors_are_indonesian_400_not_500(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    page = _post_scan(analyst, "posts.csv", b'id,text\n1,"kerja\n2,halo\n')
    assert page.status_code == 400
    assert "Baris 2: ada tanda kutip yang tidak pernah ditutup" in page.text
    assert 'id="scan-form"' in page.text  # the form is still there
    page = _post_scan(analyst, "posts.csv", b"id,body\n1,halo\n")
    assert page.status_code == 400 and "Kolom wajib tidak ada: text" in page.text
    page = _post_scan(analyst, "posts.csv", os.urandom(3000) + b'\x00"\xff\n')
    assert page.status_code == 400 and 'id="scan-form"' in page.text


def test_web_bulk_scan_reports_nested_and_non_finite_records(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    data = (json.dumps({"id": "ok", "text": RISKY}) + "\n" + NESTED + "\n"
            + '{"id": NaN, "text": "halo"}\n').encode()
    page = _post_scan(analyst, "posts.jsonl", data)
    assert page.status_code == 200
    assert "Baris 2: JSON bersarang terlalu dalam" in page.text
    assert "Baris 3: JSON memuat angka yang tidak terhingga" in page.text
    scan_id = analyst.get("/offers/scan").text.split("/offers/scan/")[1].split("/")[0]
    body = analyst.get(f"/offers/scan/{scan_id}/results.jsonl").text
    assert [loads_json(x)["id"] for x in body.splitlines() if x] == ["ok"]


def test_web_bulk_scan_lists_multiline_records(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    page = _post_scan(analyst, "posts.csv", b'id,text\n1,"baris satu\nbaris dua"\n2,halo\n')
    assert page.status_code == 200 and 'id="job-summary"' in page.text  # the job's summary
    assert "baris 2–3" in page.text


def test_web_watchlist_import_and_dedupe_errors_are_indonesian(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    token = analyst.cookies["waspada_csrf"]
    r = analyst.post("/watchlist/manage/import", data={
        "list_kind": "other", "reason": "r", "source": "s", "csrf_token": token},
        files={"file": ("w.csv", UNTERMINATED.encode(), "text/csv")})
    assert r.status_code == 400
    assert "Baris 2: ada tanda kutip yang tidak pernah ditutup" in r.text
    assert "unterminated" not in r.text
    r = analyst.post("/dedupe/run", data={"origin": "upload", "threshold": "0.9",
                                          "csrf_token": token},
                     files={"file": ("p.csv", b"id,name\n1,A\n2,B\n", "text/csv")})
    assert r.status_code == 400 and "Kolom wajib tidak ada: record_id" in r.text
    assert "missing required" not in r.text


# -- defect 6: outputs, nesting, non-finite numbers, formulas ---------------------------------

def test_output_into_missing_folder_fails_before_any_work(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    import waspada.matching.pipeline as pipeline_mod

    calls: list[int] = []
    monkeypatch.setattr(pipeline_mod, "dedupe", lambda *a, **k: calls.append(1))
    good = _people(tmp_path)
    out = tmp_path / "nope" / "out.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(good), "-o", str(out)])
    assert res.exit_code == 2 and "does not exist" in res.output and not calls
    _clean(res)
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(good), "--queries",
                              str(good), "-o", str(out)])
    assert res.exit_code == 2 and "does not exist" in res.output
    _clean(res)
    res = runner.invoke(app, ["identity", "dedupe", str(good), "-o", str(tmp_path / "o.csv"),
                              "--model", str(tmp_path / "nope" / "model.json")])
    assert res.exit_code == 2 and "does not exist" in res.output and not calls
    _clean(res)


def test_output_onto_a_folder_is_refused(tmp_path: Path) -> None:
    good = _people(tmp_path)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": 1, "text": "halo"}) + "\n", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (["watchlist", "match", "--watchlist", str(good), "--queries", str(good),
                  "-o", str(folder)],
                 ["offers", "scan", str(posts), "-o", str(folder)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "is a folder" in res.output, res.output
        _clean(res)
    assert folder.is_dir() and not list(folder.iterdir())


def test_output_onto_a_fifo_or_a_link_to_it_is_refused(tmp_path: Path) -> None:
    """A device or pipe (e.g. /dev/full) is never replaced by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    good = _people(tmp_path)
    for target in (fifo, link):
        res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(good), "--queries",
                                  str(good), "-o", str(target)])
        assert res.exit_code == 2 and "not a regular file" in res.output, res.output
        _clean(res)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()
    with pytest.raises(FileError):
        write_csv_atomic(fifo, ["a"], [["1"]])
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_dev_null_is_refused_as_output() -> None:
    with pytest.raises(FileError, match="not a regular file"):
        check_output_path("/dev/null")


def test_symlink_to_regular_file_replaces_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_csv_atomic(link, ["a"], [["1"]])
    assert link.is_symlink() and real.read_text() == "a\n1\n"


@pytest.mark.parametrize("command", [["offers", "scan", "{src}"],
                                     ["offers", "scan", "{src}", "--skip-bad"]])
def test_offers_scan_nested_json_is_no_traceback(tmp_path: Path, command: list[str]) -> None:
    src = tmp_path / "deep.jsonl"
    src.write_text(NESTED + "\n" + json.dumps({"id": 2, "text": "halo"}) + "\n")
    res = runner.invoke(app, [a.format(src=src) for a in command])
    _clean(res)
    assert "line 1" in res.output and "nested deeper than 64" in res.output
    assert res.exit_code == (0 if "--skip-bad" in command else 2)


def test_document_check_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "traveller.json"
    src.write_text(NESTED)
    res = runner.invoke(app, ["document", "check", str(src)])
    assert res.exit_code == 2 and "nested deeper than 64" in res.output
    _clean(res)
    src.write_text('{"nik": NaN}')
    res = runner.invoke(app, ["document", "check", str(src)])
    assert res.exit_code == 2 and "non-finite" in res.output


def test_offers_scan_never_writes_nan(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": NaN, "text": "halo"}\n{"id": Infinity, "text": "x"}\n'
                   '{"id": 1e999, "text": "y"}\n{"id": 7, "text": "z"}\n')
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["offers", "scan", str(src), "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    for n in (1, 2, 3):
        assert f"line {n}" in res.output
    res = runner.invoke(app, ["offers", "scan", str(src), "-o", str(out), "--skip-bad"])
    assert res.exit_code == 0
    rows = [loads_json(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [7]


def test_offers_scan_skipped_records_documented_behaviour(tmp_path: Path) -> None:
    """Default: bad records listed, nothing written, exit 2. --skip-bad: written, exit 0."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "halo"}\n{broken\n')
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["offers", "scan", str(src), "-o", str(out)])
    assert res.exit_code == 2 and "line 2" in res.output and not out.exists()
    res = runner.invoke(app, ["offers", "scan", str(src), "-o", str(out), "--skip-bad"])
    assert res.exit_code == 0 and "skipped line 2" in res.output and out.exists()
    help_text = runner.invoke(app, ["offers", "scan", "--help"]).output
    assert "--skip-bad" in help_text


def test_result_csv_neutralises_formulas(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example","x")'
    wl = tmp_path / "wl.csv"
    with wl.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["record_id", "full_name"], ["@SUM(1)", "Budi Santoso"]])
    q = tmp_path / "q.csv"
    with q.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["record_id", "full_name"], [formula, "Budi Santoso"]])
    out = tmp_path / "res.csv"
    res = runner.invoke(app, ["watchlist", "match", "--watchlist", str(wl), "--queries",
                              str(q), "-o", str(out)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "'" + formula and rows[1][2] == "'@SUM(1)"


# -- the module itself ------------------------------------------------------------------------

def test_json_depth_limit_is_linear_and_ignores_strings() -> None:
    assert not json_depth_ok("[" * 65)
    assert json_depth_ok("[" * 64 + "]" * 64)
    assert json_depth_ok('{"a": "' + "[" * 1000 + '"}')
    assert json_depth_ok('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
                         max_depth=2)
    with pytest.raises(FileError) as exc:
        loads_json("[" * 65 + "]" * 65, line=4)
    assert exc.value.line == 4 and exc.value.code == "too_deep"


def test_dumps_json_refuses_non_finite() -> None:
    with pytest.raises(FileError):
        dumps_json({"id": float("nan")})
    assert dumps_json({"id": 1.5}) == '{"id": 1.5}'


def test_read_csv_header_checks_and_bom() -> None:
    t = read_csv("\ufeffText,ID\nhalo,1\n", required=("text",))
    assert t.header == ["text", "id"] and [r.values for r in t.rows] == [["halo", "1"]]
    with pytest.raises(FileError, match="duplicate column"):
        read_csv("a,a\n1,2\n")
    with pytest.raises(FileError, match="empty"):
        read_csv("\n\n")
    with pytest.raises(FileError, match="too long|longer"):
        list(iter_csv("a\n" + "x" * 50 + "\n", max_field_chars=10))


def test_atomic_writer_leaves_nothing_on_error(tmp_path: Path) -> None:
    out = tmp_path / "o.txt"
    out.write_text("keep")
    with pytest.raises(RuntimeError), atomic_writer(out) as fh:
        fh.write("partial")
        raise RuntimeError("boom")
    assert out.read_text() == "keep" and [p.name for p in tmp_path.iterdir()] == ["o.txt"]


CSVISH = st.text(alphabet=st.sampled_from(list('ab,"\n\r \t;\ufeff\x00é')), max_size=200)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CSVISH, st.booleans())
def test_csv_reader_raises_only_file_error(text: str, multiline: bool) -> None:
    try:
        rows = list(iter_csv(text, multiline=multiline))
    except FileError as exc:
        assert exc.line is None or exc.line >= 1
        return
    # every physical line is accounted for, in order, without overlap
    last = 0
    for row in rows:
        assert row.line == last + 1 and row.end_line >= row.line
        last = row.end_line
        if not multiline:
            assert row.end_line == row.line


#: no NUL: the readers refuse it (round 18; test_inputs_round18.py)
FIELD = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(FIELD, min_size=1, max_size=5), max_size=8))
def test_csv_written_by_csv_writer_round_trips(rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    got = list(iter_csv(buffer.getvalue(), multiline=True))
    assert [r.values for r in got] == rows
    flat = [r for r in rows if not any("\n" in v or "\r" in v for v in r)]
    if flat == rows:
        assert [r.values for r in iter_csv(buffer.getvalue())] == rows
