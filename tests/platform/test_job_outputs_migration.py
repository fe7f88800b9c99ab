"""Migration ``0008_platform_job_outputs``: it adds the kept result files of jobs to a database
that already has jobs (after ``0005_platform_jobs``), and goes back cleanly. On PostgreSQL the
whole suite runs on a database migrated to every head, so the table is exercised there too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from tests.migration_helpers import columns_of, database_at


def test_the_migration_adds_job_outputs_after_the_jobs_and_goes_back(tmp_path: Path) -> None:
    with database_at(tmp_path, "0005_platform_jobs", "outputs") as (config, engine):
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO jobs (kind, status, owner_name, owner_role, params, summary, done, "
                "total, cancel_requested, attempts, created_at) VALUES ('cases.export', 'done', "
                "'pelindungan', 'protection_officer', '{}', '{}', 1, 1, 0, 1, "
                "'2026-12-01 00:00:00')"))
        assert "job_outputs" not in inspect(engine).get_table_names()
        command.upgrade(config, "heads")
        assert columns_of(engine, "job_outputs") == {
            "job_id", "name", "media_type", "size", "data", "created_at"}
        assert inspect(engine).get_pk_constraint("job_outputs")["constrained_columns"] == [
            "job_id", "name"]
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO job_outputs (job_id, name, media_type, size, data, created_at) "
                "VALUES (1, 'cases-htcds.json', 'application/json', 2, :data, "
                "'2026-12-01 00:00:00')"), {"data": b"{}"})
            assert conn.execute(text("SELECT data FROM job_outputs")).scalar() == b"{}"
        command.downgrade(config, "0005_platform_jobs")  # and back, cleanly, keeping the jobs
        assert "job_outputs" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 1
