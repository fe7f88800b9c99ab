"""Test modules that never open the database (pure cores, documentation checks).

``tests/conftest.py`` marks their tests ``db_independent``. CI's PostgreSQL step deselects
them (``-m "not db_independent"``): on PostgreSQL they would prove nothing more than on
SQLite. The mark is checked on every run: while a marked test (its fixtures included) sets up
or runs, opening a database connection fails the test, and ``WASPADA_DATABASE_URL`` points
at a file that cannot exist, so a subprocess that opens the database fails too.

To find candidates: ``WASPADA_TEST_DB_PROBE=/tmp/probe.txt pytest`` writes the modules none
of whose tests opened a connection in this process (check subprocesses by hand).
"""

from __future__ import annotations

#: paths relative to the repository root
DB_INDEPENDENT: frozenset[str] = frozenset({
    "tests/cases/test_workflow.py",
    "tests/identity/test_identity_cli.py",
    "tests/identity/test_identity_consistency.py",
    "tests/identity/test_identity_finding_codes.py",
    "tests/identity/test_identity_i18n.py",
    "tests/identity/test_identity_mrz.py",
    "tests/identity/test_identity_mrz_realworld.py",
    "tests/identity/test_identity_names.py",
    "tests/identity/test_identity_nik.py",
    "tests/identity/test_identity_read_cli.py",
    "tests/identity/test_identity_reading.py",
    "tests/matching/test_arabic_names.py",
    "tests/matching/test_assignment.py",
    "tests/matching/test_bench_ceiling.py",
    "tests/matching/test_blocking.py",
    "tests/matching/test_clustering.py",
    "tests/matching/test_comparisons.py",
    "tests/matching/test_dedupe.py",
    "tests/matching/test_feature_frame.py",
    "tests/matching/test_features.py",
    "tests/matching/test_features_stage.py",
    "tests/matching/test_household.py",
    "tests/matching/test_index.py",
    "tests/matching/test_index_snapshot.py",
    "tests/matching/test_missingness.py",
    "tests/matching/test_name_levels.py",
    "tests/matching/test_name_spelling.py",
    "tests/matching/test_namesearch.py",
    "tests/matching/test_nik_levels.py",
    "tests/matching/test_priors.py",
    "tests/matching/test_records.py",
    "tests/matching/test_review_band.py",
    "tests/matching/test_splink_cache.py",
    "tests/matching/test_threshold.py",
    "tests/matching/test_training_mechanics.py",
    "tests/matching/test_u_estimation.py",
    "tests/matching/test_watchlist_calibration.py",
    "tests/network/test_extract.py",
    "tests/network/test_recurring_contacts.py",
    "tests/offers/test_offers_analyse.py",
    "tests/offers/test_offers_catalogue.py",
    "tests/offers/test_offers_cli.py",
    "tests/offers/test_offers_extract.py",
    "tests/offers/test_offers_generalise.py",
    "tests/offers/test_offers_model.py",
    "tests/offers/test_offers_monotone.py",
    "tests/offers/test_offers_normalise.py",
    "tests/offers/test_offers_property.py",
    "tests/offers/test_offers_round14.py",
    "tests/offers/test_offers_strong.py",
    "tests/platform/test_capabilities.py",
    "tests/platform/test_exports.py",
    "tests/platform/test_formroute.py",
    "tests/platform/test_i18n_and_demo.py",
    "tests/platform/test_import_boundaries.py",
    "tests/platform/test_one_form_mechanism.py",
    "tests/platform/test_type_ignores.py",
    "tests/screening/test_assess.py",
    "tests/screening/test_questionnaire_labels.py",
    "tests/security/test_declared_imports.py",
    "tests/security/test_regex_guard.py",
    "tests/security/test_text_bounds.py",
    "tests/statistics/test_alerts.py",
    "tests/statistics/test_periods.py",
    "tests/statistics/test_suppression.py",
    "tests/statistics/test_tilemap.py",
})
