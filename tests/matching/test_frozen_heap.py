"""A dedupe with the heap frozen for the garbage collector (issue #13 item 5, round 22): the
same clusters, pairs and model, the freeze undone afterwards, a caller's freeze kept."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import pytest

from tests.matching.conftest import dataset
from waspada.matching import pipeline


def _run(progress: list[int] | None = None) -> pipeline.DedupeResult:
    recs, _truth = dataset()
    seen = progress if progress is not None else []
    return pipeline.dedupe(recs, progress=lambda _m: seen.append(gc.get_freeze_count()))


def test_a_dedupe_gives_the_same_results_with_the_heap_frozen(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.get_freeze_count() == 0
    during: list[int] = []
    frozen = _run(during)
    assert during and all(n > 0 for n in during)  # frozen while it ran
    assert gc.get_freeze_count() == 0  # and undone

    @contextlib.contextmanager
    def unfrozen() -> Iterator[None]:
        yield

    monkeypatch.setattr(pipeline, "frozen_heap", unfrozen)
    during = []
    plain = _run(during)
    assert during and all(n == 0 for n in during)
    # the same clusters; the same pairs (in any order) and model to 1e-9 (DuckDB's parallel
    # work may move the order and the last bits between any two runs, frozen or not)
    assert frozen.clusters == plain.clusters and frozen.splits == plain.splits
    assert len(frozen.pairs) > 20 and len(frozen.review) == len(plain.review)
    got = {(a, b): p for a, b, p in frozen.pairs}
    want = {(a, b): p for a, b, p in plain.pairs}
    assert got.keys() == want.keys() and all(abs(got[k] - want[k]) < 1e-9 for k in got)
    assert _numbers(frozen.model_json) == pytest.approx(_numbers(plain.model_json), abs=1e-9)


def _numbers(model: dict | None) -> list[float]:
    """Every m, u and the prior of a saved model, in order."""
    assert model is not None
    out = [float(model["probability_two_random_records_match"])]
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            out += [float(level.get(k) or 0.0) for k in ("m_probability", "u_probability")]
    return out


def test_a_heap_the_caller_froze_stays_frozen() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        recs, _truth = dataset()
        res = pipeline.dedupe(recs[:60])
        assert len(res.clusters) == 60
        # neither unfrozen nor frozen again (frozen objects freed meanwhile leave the count)
        assert before - 1000 < gc.get_freeze_count() <= before
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
