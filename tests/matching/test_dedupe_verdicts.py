"""Analysts' decisions on dedupe results against the score they were shown
(``matching/verdicts.py``): the score is kept with each decision, and the tally per score band
is the engine's calibration on real decisions (issue #13 item 1)."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from waspada.cli import app as cli_app
from waspada.matching import service, verdicts
from waspada.matching.clusters import evidence
from waspada.matching.records import PersonRecord
from waspada.matching.schemas import DecisionIn
from waspada.matching.verdicts import EDGES, band_of, tally
from waspada.platform.db import session_scope
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import Principal, Role

ANALYST = Principal(user_id=None, username="analis-dv", role=Role.ANALYST, unit_id=None)
OFFICER = Principal(user_id=None, username="tpi-dv", role=Role.CHECKPOINT_OFFICER, unit_id=1)


def test_bands_cover_zero_to_one_and_hold_their_edges() -> None:
    assert band_of(0.0) == 0 and band_of(0.0999) == 0 and band_of(0.1) == 1
    assert band_of(0.5) == 3 and band_of(0.99) == len(EDGES) - 2
    assert band_of(1.0) == len(EDGES) - 2  # 1.0 is in the last band, not past it


def test_the_tally_counts_each_decision_once_in_its_band() -> None:
    got = tally([("cluster", "confirmed", 0.95), ("cluster", "split", 0.92),
                 ("cluster", "confirmed", 0.995), ("pair", "split", 0.31),
                 ("pair", "confirmed", 0.35), ("pair", "split", 0.12), ("cluster", "split", None)])
    assert got.decided == 7 and got.unscored == 1
    band = got.clusters.bands[band_of(0.95)]
    assert (band.confirmed, band.split) == (1, 1)
    assert band.mean_score == pytest.approx(0.935)
    assert band.confirmed_share.value == 0.5
    assert got.clusters.bands[-1].confirmed == 1
    pairs = got.pairs.bands[band_of(0.3)]
    assert (pairs.confirmed, pairs.split) == (1, 1)
    # calibration error: decided-weighted |mean score - share confirmed|
    expected = (2 * abs(0.935 - 0.5) + 1 * abs(0.995 - 1.0)) / 3
    assert got.clusters.calibration_error == pytest.approx(expected)
    assert got.pairs.calibration_error == pytest.approx(
        (2 * abs(0.33 - 0.5) + 1 * abs(0.12 - 0.0)) / 3)
    assert json.loads(json.dumps(got.to_dict()))["clusters"]["decided"] == 3
    with pytest.raises(ValueError):
        tally([("cluster", "pending", 0.5)])


@given(st.lists(st.tuples(st.sampled_from(verdicts.KINDS), st.sampled_from(verdicts.DECISIONS),
                          st.floats(0.0, 1.0)), max_size=60))
def test_every_decided_row_lands_in_exactly_one_band(rows) -> None:  # type: ignore[no-untyped-def]
    got = tally(rows)
    assert got.clusters.decided + got.pairs.decided == len(rows) == got.decided
    for kind in (got.clusters, got.pairs):
        for b in kind.bands:
            if b.decided:
                # (a mean of floats may fall a rounding error outside its band)
                assert b.mean_score is not None and b.low - 1e-9 <= b.mean_score <= b.high + 1e-9
        if kind.decided:
            assert kind.calibration_error is not None and 0 <= kind.calibration_error <= 1
    if not rows:
        assert got.clusters.calibration_error is None


def _records() -> list[PersonRecord]:
    return [PersonRecord("DV-A", "Dewi Lestari", date(1991, 3, 4), "F", nik="3201014403910001"),
            PersonRecord("DV-B", "Dewi Lestari", date(1991, 3, 4), "F"),
            PersonRecord("DV-C", "Dewi Lestary", date(1991, 4, 3), "F"),
            PersonRecord("DV-D", "Desi Lestari", None, "F")]


def _run() -> tuple[int, int, int]:
    """A saved run: one cluster (A, B) and one review pair (A, C at 0.42)."""
    clusters = [("DV-A", "DV-A"), ("DV-B", "DV-A"), ("DV-C", "DV-C"), ("DV-D", "DV-D")]
    with session_scope() as db:
        run = service.save_dedupe_run(db, ANALYST, _records(), clusters, origin="upload",
                                      threshold=0.9, review=[("DV-A", "DV-C", 0.42)])
        db.commit()
        review = service.review_run(db, ANALYST, run.id)
        return run.id, review.clusters[0].id, review.queue[0].id


def test_a_decision_keeps_the_score_the_review_page_showed() -> None:
    _run_id, cluster_id, pair_id = _run()
    shown = evidence(_records()[:2]).score
    with session_scope() as db:
        before = service.dedupe_verdicts(db, ANALYST)
        decided = service.decide_cluster(db, ANALYST, cluster_id, DecisionIn(decision="confirmed"))
        assert decided.decided_score == pytest.approx(shown)
        pair = service.decide_cluster(db, ANALYST, pair_id, DecisionIn(decision="split"))
        assert pair.decided_score == pytest.approx(0.42)
        after = service.dedupe_verdicts(db, ANALYST)
        tomorrow = service.dedupe_verdicts(db, ANALYST,
                                           (datetime.now(UTC) + timedelta(days=2)).date())
    band = band_of(shown)
    assert after.clusters.bands[band].confirmed == before.clusters.bands[band].confirmed + 1
    assert after.pairs.bands[band_of(0.42)].split == before.pairs.bands[band_of(0.42)].split + 1
    assert after.decided == before.decided + 2
    assert tomorrow.decided == 0


def test_only_analysts_and_only_sensible_days() -> None:
    with session_scope() as db:
        with pytest.raises(DomainError) as refused:
            service.dedupe_verdicts(db, OFFICER)
        assert refused.value.status == 403
        for day in (date(1, 1, 1), date(1999, 12, 31), date(3000, 1, 1)):
            with pytest.raises(DomainError) as bad:
                service.dedupe_verdicts(db, ANALYST, day)
            assert bad.value.status == 422 and bad.value.code == "invalid_since"


def test_the_api_page_and_cli(role_clients) -> None:  # type: ignore[no-untyped-def]
    _run_id, cluster_id, _pair = _run()
    with session_scope() as db:
        service.decide_cluster(db, ANALYST, cluster_id, DecisionIn(decision="confirmed"))
    got = role_clients["analyst"].get("/api/v1/dedupe/verdicts")
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["clusters"]["decided"] >= 1 and len(body["clusters"]["bands"]) == len(EDGES) - 1
    assert math.isfinite(body["clusters"]["calibration_error"])
    assert role_clients["analyst"].get("/api/v1/dedupe/verdicts",
                                       params={"since": "0001-01-01"}).status_code == 422
    assert role_clients["analyst"].get("/api/v1/dedupe/verdicts",
                                       params={"since": "kemarin"}).status_code == 422
    assert role_clients["checkpoint_officer"].get("/api/v1/dedupe/verdicts").status_code == 403

    page = role_clients["analyst"].get("/dedupe/verdicts")
    assert page.status_code == 200
    assert "Keputusan analis dibanding skor mesin" in page.text
    assert 'id="verdicts-clusters"' in page.text and "Galat kalibrasi" in page.text
    # numbers as Indonesian writes them: a decimal comma
    assert re.search(r"<td>\d,\d\d–\d,\d\d</td>", page.text)
    assert not re.search(r"<td>\d\.\d\d", page.text)
    assert 'href="/dedupe/verdicts"' in role_clients["analyst"].get("/dedupe").text
    assert role_clients["checkpoint_officer"].get("/dedupe/verdicts").status_code == 403

    runner = CliRunner()
    out = runner.invoke(cli_app, ["identity", "verdicts", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["clusters"]["decided"] >= 1
    text = runner.invoke(cli_app, ["identity", "verdicts"])
    assert text.exit_code == 0 and "calibration error" in text.output
    bad = runner.invoke(cli_app, ["identity", "verdicts", "--since", "31/12/2026"])
    assert bad.exit_code != 0 and "not a date" in bad.output and "Traceback" not in bad.output
    edge = runner.invoke(cli_app, ["identity", "verdicts", "--since", "0001-01-01"])
    assert edge.exit_code != 0 and "2000-01-01" in edge.output
