"""Suite-wide audit check: ``pytest -p tests.platform.audit_watch_plugin tests/...``.

Watches every transaction the app's request handlers commit while any test runs (test set-up in
the main thread is not judged) and fails the session listing the tests whose requests wrote
tables without an audit entry in the same transaction. Not part of the default run (it widens
tests/platform/test_audit_coverage.py to every existing API and page flow; a few minutes).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.platform.audit_watch import AuditWatch

WATCH = AuditWatch(active=True, app_threads_only=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    WATCH.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    WATCH.where = item.nodeid
    yield
    WATCH.where = ""


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    WATCH.remove()
    if WATCH.unaudited:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        f"audit watch: {WATCH.committed} transactions judged, {WATCH.audited_writes} audited "
        f"writes, {len(WATCH.unaudited)} written without an audit entry")
    for found in WATCH.unaudited:
        terminalreporter.write_line(f"  {found.where or '(set-up)'}: {sorted(found.tables)}")
