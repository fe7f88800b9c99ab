"""`--review-band LOW HIGH` on `identity dedupe` and `identity link` (issue #13 item 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.matching.conftest import base_records, dataset, write_csv
from waspada.cli import app
from waspada.matching.pipeline import check_band, in_band

runner = CliRunner()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_band_bounds() -> None:
    check_band(None)
    check_band((0.2, 1.0))
    for bad in ((0.0, 0.5), (0.5, 0.5), (0.9, 0.5), (0.5, 1.2)):
        with pytest.raises(ValueError, match="0 < LOW < HIGH <= 1"):
            check_band(bad)
    assert in_band(0.2, (0.2, 0.9)) and in_band(0.89, (0.2, 0.9))
    assert not in_band(0.9, (0.2, 0.9)) and not in_band(0.19, (0.2, 0.9))
    assert not in_band(0.5, None)


def test_dedupe_writes_the_uncertain_pairs(person_file, tmp_path: Path  # type: ignore[no-untyped-def]
                                          ) -> None:
    path, _truth = person_file
    out = tmp_path / "clusters.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(path), "--output", str(out),
                              "--review-band", "0.0001", "0.9999"])  # this clean set: few pairs between
    assert res.exit_code == 0, res.output
    review = tmp_path / "clusters.review.csv"
    rows = _rows(review)
    assert rows, "some pairs are uncertain in a wide band"
    assert list(rows[0]) == ["record_id_l", "record_id_r", "probability", "same_cluster"]
    probs = [float(r["probability"]) for r in rows]
    assert all(0.0001 <= p < 0.9999 for p in probs)
    assert probs == sorted(probs, reverse=True)
    cluster = {r["record_id"]: r["cluster_id"] for r in _rows(out)}
    for r in rows:
        same = cluster[r["record_id_l"]] == cluster[r["record_id_r"]]
        assert r["same_cluster"] == ("yes" if same else "no")
    assert "pairs to review" in res.output


def test_link_writes_the_uncertain_pairs_and_whether_they_were_linked(tmp_path: Path) -> None:
    allrecs, truth = dataset()
    dup = {b for _, b in truth}
    left = write_csv(tmp_path / "l.csv", base_records())
    right = write_csv(tmp_path / "r.csv", [r for r in allrecs if r.record_id in dup])
    out = tmp_path / "pairs.csv"
    review = tmp_path / "uncertain.csv"
    res = runner.invoke(app, ["identity", "link", str(left), str(right), "--output", str(out),
                              "--review-band", "0.001", "0.999", "--review-output",
                              str(review)])
    assert res.exit_code == 0, res.output
    rows = _rows(review)
    assert rows and list(rows[0]) == ["left_id", "right_id", "probability", "linked"]
    linked = {(r["left_id"], r["right_id"]) for r in _rows(out)}
    for r in rows:
        p = float(r["probability"])
        assert 0.001 <= p < 0.999
        assert r["linked"] == ("yes" if (r["left_id"], r["right_id"]) in linked else "no")
        assert (r["linked"] == "yes") == (p >= 0.5)


@pytest.mark.parametrize("args, message", [
    (["--review-band", "0.9", "0.5"], "0 < LOW < HIGH <= 1"),
    (["--review-band", "0", "0.5"], "0 < LOW < HIGH <= 1"),
    (["--review-output", "x.csv"], "--review-output needs --review-band"),
])
def test_bad_band_stops_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    src = write_csv(tmp_path / "p.csv", base_records()[:5])
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["identity", "dedupe", str(src), "--output", str(out), *args])
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output
    assert not out.exists()
