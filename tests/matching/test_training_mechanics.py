"""Mechanics of the Splink model set-up that cost time without changing a score (issue #13
item 5, round 6)."""

from __future__ import annotations

from datetime import date

import pytest

from waspada.matching.comparisons import present_comparisons
from waspada.matching.engines import make_db_api, register_frame, table_name
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import feature_frame, mark_rare_spellings
from waspada.matching.training import linker, settings


def test_a_linker_is_built_without_splinks_settings_validation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation only logs warnings (hidden at the ERROR level) and parsed every level's
    SQL with sqlglot on each of the four linkers of a dedupe."""
    from splink.internals.settings_validation import log_invalid_columns

    validated: list[bool] = []
    original = log_invalid_columns.InvalidColumnsLogger.construct_output_logs

    def spy(self: object, run_settings_validations: bool = True) -> None:
        validated.append(run_settings_validations)
        original(self, run_settings_validations)

    monkeypatch.setattr(log_invalid_columns.InvalidColumnsLogger, "construct_output_logs", spy)
    recs = [PersonRecord(f"R{i}", f"Budi Santoso{i}", date(1980, 1, 1 + i), "M")
            for i in range(5)]
    frame = feature_frame(recs)
    mark_rare_spellings([frame])
    db_api = make_db_api("duckdb")
    sdf = register_frame(db_api, "duckdb", frame, table_name("records"))
    lk = linker(sdf, settings(present_comparisons([frame], False)))
    linker(sdf, lk.misc.save_model_to_json())
    assert validated and not any(validated)
