"""The dedupe page's review queue (issue #13 item 3): the uncertain pairs a run left apart are
kept with the run and decided by a person through the service layer, audited."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from waspada.matching import dedupejob, pipeline, service
from waspada.matching.records import PersonRecord
from waspada.matching.schemas import DecisionIn
from waspada.platform.audit import AuditEntry
from waspada.platform.db import session_scope
from waspada.platform.security.policy import Principal, Role

ANALYST = Principal(user_id=None, username="analis-rq", role=Role.ANALYST, unit_id=None)


def _records() -> list[PersonRecord]:
    return [PersonRecord("RQ-A", "Siti Aminah", date(1990, 1, 2), "F"),
            PersonRecord("RQ-B", "Siti Aminah", date(1990, 1, 2), "F"),
            PersonRecord("RQ-C", "Siti Aminha", date(1990, 2, 1), "F"),
            PersonRecord("RQ-D", "Sri Aminah", None, "F")]


def _save() -> int:
    clusters = [("RQ-A", "RQ-A"), ("RQ-B", "RQ-A"), ("RQ-C", "RQ-C"), ("RQ-D", "RQ-D")]
    review = [("RQ-A", "RQ-B", 0.6),  # linked already: not in the queue
              ("RQ-A", "RQ-D", 0.3), ("RQ-A", "RQ-C", 0.45)]
    with session_scope() as db:
        run = service.save_dedupe_run(db, ANALYST, _records(), clusters, origin="upload",
                                      threshold=0.9, review=review)
        db.commit()
        return run.id


def test_the_queue_holds_the_uncertain_pairs_left_apart_most_probable_first() -> None:
    run_id = _save()
    with session_scope() as db:
        got = service.review_run(db, ANALYST, run_id)
        assert got.run.n_clusters == 1 and len(got.clusters) == 1
        assert [c.review_probability for c in got.queue] == [0.45, 0.3]
        assert [sorted(m.record_id for m in got.members[c.id]) for c in got.queue] == [
            ["RQ-A", "RQ-C"], ["RQ-A", "RQ-D"]]
        assert got.clusters[0].review_probability is None
        pair = got.queue[0]
        decided = service.decide_cluster(db, ANALYST, pair.id, DecisionIn(decision="split"))
        assert decided.status == "split" and decided.decided_by == "analis-rq"
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dedupe.review")
                           .order_by(AuditEntry.seq.desc()).limit(1)).one()
        assert entry.object_id == str(pair.id)


def test_the_review_page_shows_the_queue(role_clients) -> None:  # type: ignore[no-untyped-def]
    run_id = _save()
    page = role_clients["analyst"].get(f"/dedupe/runs/{run_id}")
    assert page.status_code == 200
    assert "Antrean tinjauan: pasangan yang belum pasti" in page.text
    assert re.findall(r'class="pair-probability">([0-9,]+)<', page.text) == ["0,45", "0,30"]
    assert "Pasangan 1 dari 2" in page.text


def test_a_run_queues_the_pairs_from_review_low_up_to_the_threshold_used(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = {}
    scored = [("RQ-A", "RQ-B", 0.95), ("RQ-A", "RQ-C", 0.7), ("RQ-A", "RQ-D", 0.3),
              ("RQ-B", "RQ-D", 0.1)]

    def fake(records, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        lo, hi = kwargs["review_band"]
        t = kwargs["threshold"] if kwargs["threshold"] is not None else 0.8  # "chosen"
        return pipeline.DedupeResult(
            [(r.record_id, r.record_id) for r in records], [],
            review=[x for x in scored if lo <= x[2] < hi],
            choice=pipeline.ThresholdChoice(t, 0.99, 0.9, None if kwargs["threshold"] else 0.99))

    monkeypatch.setattr(pipeline, "dedupe", fake)
    given = dedupejob.compute_dedupe(_records(), 0.9)
    assert seen["threshold"] == 0.9 and seen["review_band"] == (dedupejob.REVIEW_LOW, 1.0)
    assert seen["precision"] is None
    assert [p for _, _, p in given.review] == [0.7, 0.3]
    chosen = dedupejob.compute_dedupe(_records(), None)  # the threshold the run chose: 0.8
    assert seen["threshold"] is None and seen["precision"] == 0.99
    assert [p for _, _, p in chosen.review] == [0.7, 0.3]
    assert dedupejob.compute_dedupe(_records(), 0.5).review == [("RQ-A", "RQ-D", 0.3)]
    assert dedupejob.review_band(0.1) is None
