"""`offers` CLI: check, scan (CSV/JSONL, bad records, big records, atomic output), train."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from waspada.offers import bulk
from waspada.offers import cli as cli_mod
from waspada.offers.cli import offers_app

runner = CliRunner()
RISKY = "Loker CS Kamboja gaji 15jt, tanpa pengalaman, tiket ditanggung, hub wa.me/6281234567890"
SCAN_KEYS = {"id", "score", "level", "language", "indicators", "entities", "model_probability",
             "truncated"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def test_check_json() -> None:
    r = runner.invoke(offers_app, ["check", RISKY, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["level"] == "high" and d["indicators"]


def test_check_stdin_and_text() -> None:
    r = runner.invoke(offers_app, ["check", "-", "--json"], input="halo apa kabar")
    assert r.exit_code == 0 and json.loads(r.stdout)["level"] == "low"
    r = runner.invoke(offers_app, ["check", RISKY])
    assert r.exit_code == 0 and "DEST_CAMBODIA" in r.stdout


def test_check_says_why_an_offer_abroad_is_risky() -> None:
    """The word classes' offer-abroad floor is printed as a reason (it was only in --json)."""
    r = runner.invoke(offers_app, ["check", "Sepupu saya diajak kenalannya kerja di dapur hotel "
                                   "di Qatar, ongkos berangkat semua dibiayai sponsornya."])
    assert r.exit_code == 0 and "OFFER_ABROAD" in r.stdout and "costs covered" in r.stdout


def test_check_prints_the_words_behind_the_offer_abroad() -> None:
    """The class reason names its signals by category; the words that fired them follow."""
    r = runner.invoke(offers_app, ["check", "Suami saya ditawari kerja admin di luar negeri, "
                                   "ternyata paspornya ditahan dan disekap."])
    line = next(ln for ln in r.stdout.replace("\n", " ").split(" - ") if "OFFER_ABROAD" in ln)
    assert "'ditawari'" in line and "'paspornya ditahan'" in line and "'disekap'" in line


def test_check_bad_lang() -> None:
    assert runner.invoke(offers_app, ["check", "x", "--lang", "fr"]).exit_code == 2


def test_scan_jsonl_with_bad_records(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        json.dumps({"id": "a", "text": RISKY}).encode() + b"\n"
        + b"\n"                                   # empty line: ignored
        + b"{not json\n"                          # line 3
        + b'{"id": "c"}\n'                        # line 4: missing text
        + b'{"id": "d", "text": "caf\xff"}\n'     # line 5: bad UTF-8
        + b'{"id": "e", "text": 5}\n'             # line 6: text not a string
        + json.dumps({"id": "f", "text": "Dicari kasir di Bandung gaji 3jt"}).encode() + b"\n"
    )
    out = tmp_path / "out.jsonl"
    # Default: every bad record listed, nothing written, exit 2.
    r = runner.invoke(offers_app, ["scan", str(src), "--output", str(out)])
    assert r.exit_code == 2
    for n in (3, 4, 5, 6):
        assert f"line {n}" in r.stderr
    assert "4 bad record(s)" in r.stderr and "--skip-bad" in r.stderr
    assert not out.exists()
    # --skip-bad: the good records are written, every skipped one reported, exit 0.
    r = runner.invoke(offers_app, ["scan", str(src), "--output", str(out), "--skip-bad"])
    assert r.exit_code == 0, r.output
    for n in (3, 4, 5, 6):
        assert f"skipped line {n}" in r.stderr
    assert "2 records analysed, 4 skipped" in r.stderr
    rows = _lines(out)
    assert [x["id"] for x in rows] == ["a", "f"]
    assert set(rows[0]) == SCAN_KEYS
    assert rows[0]["level"] == "high"
    assert set(rows[0]["entities"]) == {"phones", "whatsapp", "telegram", "emails", "urls",
                                        "domains", "amounts", "places", "companies"}
    ind = rows[0]["indicators"][0]
    assert set(ind) == {"code", "title", "evidence"}


def test_scan_csv_custom_fields(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"ref,body\n"
        b'1,"' + RISKY.encode() + b'"\n'
        b'2,"multi\nline text, kerja di Bandung"\n'
        b"3,\"caf\xff\"\n"
        b"\n"
        b"4,halo\n"
    )
    out = tmp_path / "out.jsonl"
    r = runner.invoke(offers_app, ["scan", str(src), "-o", str(out), "--text-field", "body",
                                   "--id-field", "ref", "--skip-bad"])
    assert r.exit_code == 0, r.output
    assert "invalid UTF-8" in r.stderr and "line 5" in r.stderr
    assert "lines 3-4" in r.stderr  # the legitimate multi-line text is reported
    assert [x["id"] for x in _lines(out)] == ["1", "2", "4"]


def test_scan_clean_exit_zero_to_stdout(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "halo"}) + "\n", "utf-8")
    r = runner.invoke(offers_app, ["scan", str(src)])
    assert r.exit_code == 0
    assert json.loads(r.stdout.strip())["id"] == 1


def test_scan_big_record(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "kerja di Kamboja " * 700_000}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    r = runner.invoke(offers_app, ["scan", str(src), "-o", str(out)])
    assert r.exit_code == 0
    assert _lines(out)[0]["truncated"] is True


def test_scan_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(offers_app, ["scan", str(tmp_path / "x.txt")]).exit_code == 2
    assert runner.invoke(offers_app, ["scan", str(tmp_path / "missing.jsonl")]).exit_code == 2
    bad = tmp_path / "nocol.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    r = runner.invoke(offers_app, ["scan", str(bad)])
    assert r.exit_code == 2 and "no column 'text'" in r.stderr
    assert "Traceback" not in r.output


def test_scan_output_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": f"t{i}"}) + "\n" for i in range(5)),
                   "utf-8")
    out = tmp_path / "out.jsonl"
    calls = {"n": 0}
    real = cli_mod._analyse_one

    def boom(item):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("crash")
        return real(item)

    monkeypatch.setattr(cli_mod, "_analyse_one", boom)
    r = runner.invoke(offers_app, ["scan", str(src), "-o", str(out)])
    assert r.exit_code != 0
    assert not out.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_scan_workers(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": RISKY if i % 2 else "halo"}) + "\n"
                           for i in range(120)), "utf-8")
    out = tmp_path / "out.jsonl"
    r = runner.invoke(offers_app, ["scan", str(src), "-o", str(out), "--workers", "2"])
    assert r.exit_code == 0
    rows = _lines(out)
    assert [x["id"] for x in rows] == list(range(120))
    assert rows[1]["level"] == "high" and rows[0]["level"] == "low"


def test_scan_csv_bom_and_ndjson(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("\ufeffid,text\n1,halo\n".encode())
    r = runner.invoke(offers_app, ["scan", str(src)])
    assert r.exit_code == 0 and json.loads(r.stdout.strip())["id"] == "1"
    nd = tmp_path / "in.ndjson"
    nd.write_text('{"id": 7, "text": "halo"}\n', "utf-8")
    r = runner.invoke(offers_app, ["scan", str(nd)])
    assert r.exit_code == 0 and json.loads(r.stdout.strip())["id"] == 7


def test_scan_record_lang() -> None:
    from waspada.offers import analyse

    a = analyse(RISKY)
    assert bulk.scan_record(1, a, lang="id")["indicators"][0]["title"] == a.indicators[0].title_id
    assert bulk.scan_record(1, a)["indicators"][0]["title"] == a.indicators[0].title_en


@pytest.mark.parametrize("text, stdin", [("", None), ("   \n", None), ("-", ""), ("-", " \n\t")])
def test_check_refuses_an_empty_text(text: str, stdin: str | None) -> None:
    """walk16: `waspada offers check ""` answered "Low risk, score 0.01" (exit 0), as if an
    empty message had been checked and found safe; the web form and the API refuse it."""
    r = runner.invoke(offers_app, ["check", text], input=stdin)
    assert r.exit_code == 2
    assert "empty" in r.output and "risk" not in r.output.lower()
