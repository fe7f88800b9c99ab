"""Alerts and public tables stored when the aggregates change: after the cron refresh a page
reads them without running the detector or the suppression audit (at national scale about a
second each), and a stored result goes stale when the aggregates change or the day does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from waspada.platform.db import session_scope
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role
from waspada.statistics import refresh as refresher
from waspada.statistics import results, service
from waspada.statistics.store import StatResult, StatWatermark

ANALYST = Principal(user_id=None, username="t", role=Role.ANALYST, unit_id=None, via="session")


def _forbid(*_a: object, **_k: object) -> None:
    raise AssertionError("computed on the read path")


def _stored_refresh() -> None:
    """What cron does: a refresh that changed the aggregates stores the results."""
    with session_scope() as db:
        row = db.get(StatWatermark, refresher.RUN)
        if row is not None:  # as if something changed since the last refresh
            row.changed_until = datetime.now(UTC)
        service.refresh(db, CLI_PRINCIPAL, full=True)


def test_after_the_refresh_pages_read_stored_alerts_and_public_tables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _stored_refresh()
    with session_scope() as db:
        expected = [a.to_dict() for a in service.alerts(db, ANALYST)]
        expected_view = service.public_view(db, "screenings")
    assert expected, "the demo data has a planted spike"
    service._ALERT_CACHE.clear()
    service._PUBLIC_CACHE.clear()
    monkeypatch.setattr(service, "_detect_by_area", _forbid)
    monkeypatch.setattr(service, "open_tables", _forbid)
    monkeypatch.setattr(service, "REFRESH_EVERY_SECONDS", 3600.0)
    with session_scope() as db:
        assert [a.to_dict() for a in service.alerts(db, ANALYST)] == expected
        assert service.public_view(db, "screenings") == expected_view
        assert service.public_view(db, "cases_reported") is not None


def test_a_stored_result_is_stale_after_a_change_or_on_another_day() -> None:
    with session_scope() as db:
        results.save(db, "alerts", "test:month:3", [1, 2])
        assert results.load(db, "alerts", "test:month:3") == [1, 2]
        row = db.get(StatResult, ("alerts", "test:month:3"))
        assert row is not None
        # computed before the last change, but within the grace period: still served
        mark = db.get(StatWatermark, refresher.RUN)
        assert mark is not None
        mark.changed_until = datetime.now(UTC)
        row.computed_at = datetime.now(UTC) - timedelta(seconds=60)
        db.commit()
        assert results.load(db, "alerts", "test:month:3") == [1, 2]
        row.computed_at = datetime.now(UTC) - timedelta(seconds=results.GRACE_SECONDS + 1)
        db.commit()
        assert results.load(db, "alerts", "test:month:3") is None
        # after the last change but computed on another day: the periods shown moved
        row.computed_at = datetime.now(UTC)
        row.body = row.body.replace('"day": "', '"day": "1999-01-01x')
        db.commit()
        assert results.load(db, "alerts", "test:month:3") is None
        db.delete(row)
        db.commit()


def test_unit_scoped_alerts_are_computed_once_then_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.security.models import Unit

    with session_scope() as db:
        unit_id = db.scalar(select(Unit.id).where(Unit.kind == "checkpoint").order_by(Unit.id))
        db.execute(StatResult.__table__.delete().where(StatResult.key == f"{unit_id}:month:3"))
        db.commit()
    officer = Principal(user_id=None, username="t", role=Role.CHECKPOINT_OFFICER,
                        unit_id=unit_id, via="session")
    monkeypatch.setattr(service, "REFRESH_EVERY_SECONDS", 3600.0)
    service._ALERT_CACHE.clear()
    with session_scope() as db:
        first = [a.to_dict() for a in service.alerts(db, officer)]
        assert db.get(StatResult, ("alerts", f"{unit_id}:month:3")) is not None
    service._ALERT_CACHE.clear()
    monkeypatch.setattr(service, "_detect_by_area", _forbid)
    with session_scope() as db:
        assert [a.to_dict() for a in service.alerts(db, officer)] == first


def test_after_a_change_a_unit_reads_todays_alerts_while_the_detector_reruns_behind(  # type: ignore[no-untyped-def]
        monkeypatch) -> None:
    """Item 5: a unit officer's first read after the data changed does not wait for the
    detector; it gets today's earlier alerts and the detector runs for that unit in a thread."""
    from waspada.platform.security.models import Unit

    with session_scope() as db:
        unit_id = db.scalar(select(Unit.id).where(Unit.kind == "checkpoint").order_by(Unit.id))
    officer = Principal(user_id=None, username="t", role=Role.CHECKPOINT_OFFICER,
                        unit_id=unit_id, via="session")
    key = f"{unit_id}:month:3"
    monkeypatch.setattr(service, "REFRESH_EVERY_SECONDS", 3600.0)
    service._ALERT_CACHE.clear()
    with session_scope() as db:
        first = [a.to_dict() for a in service.alerts(db, officer)]
        row = db.get(StatResult, ("alerts", key))
        mark = db.get(StatWatermark, refresher.RUN)
        assert row is not None and mark is not None
        mark.changed_until = datetime.now(UTC)  # the aggregates changed after it was computed
        row.computed_at = datetime.now(UTC) - timedelta(seconds=results.GRACE_SECONDS + 1)
        db.commit()
        assert results.load(db, "alerts", key) is None
    started: list[tuple[int, str, int]] = []
    monkeypatch.setattr(service, "recompute_in_background",
                        lambda unit, kind, latest: started.append((unit, kind, latest)))
    monkeypatch.setattr(service, "_detect_by_area", _forbid)  # not on the request path
    service._ALERT_CACHE.clear()
    with session_scope() as db:
        assert [a.to_dict() for a in service.alerts(db, officer)] == first
    assert started == [(unit_id, "month", 3)]
    monkeypatch.undo()
    thread = service.recompute_in_background(unit_id, "month", 3)
    assert thread is not None
    thread.join(60)
    with session_scope() as db:
        assert results.load(db, "alerts", key) is not None  # computed after the change


def test_a_unit_scoped_officer_without_a_unit_sees_no_counts() -> None:
    """-1 is the rollup over all units: a unit-scoped role without a unit must not read it."""
    nobody = Principal(user_id=None, username="t", role=Role.CHECKPOINT_OFFICER, unit_id=None,
                       via="session")
    with session_scope() as db:
        view = service.officer_view(db, nobody, "screenings", "month")
        assert sum(view.trend) == 0 and view.provinces == [] and view.regencies is None
        assert all(sum(d.counts) == 0 for d in view.durations)
        assert sum(service.officer_view(db, ANALYST, "screenings", "month").trend) > 0
