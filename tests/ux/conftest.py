"""Issue #16 part A tests: a signed-in protection officer, as in tests/cases."""

from __future__ import annotations

import pytest


@pytest.fixture()
def protection(role_clients):  # type: ignore[no-untyped-def]
    return role_clients["protection_officer"]
