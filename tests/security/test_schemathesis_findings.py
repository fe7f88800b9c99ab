"""Regressions for what schemathesis found, each checked on the suite's own database.

On PostgreSQL a value the database refuses (an id beyond its 32-bit ``integer`` column, a NUL
character in a text parameter) raised ``DataError``, which was answered as 503 "database
unavailable": wrong for the caller and an alarm for the operators. It is now 400 invalid_value.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError

from tests.conftest import sign_in
from waspada.platform import errors


def test_a_value_the_database_refuses_is_a_400_not_a_503() -> None:
    app = FastAPI()
    errors.install(app)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise DataError("SELECT 1", {}, Exception("integer out of range"))

    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_value"
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", [
    "/api/v1/cases/3000000000",                 # > 2**31 - 1: PostgreSQL integer column
    "/api/v1/cases?destination=%00",            # NUL: PostgreSQL text cannot hold it
    "/api/v1/cases/export?exploitation=%00",
])
def test_values_postgresql_refuses_are_not_server_errors(client: TestClient, path: str) -> None:
    sign_in(client, "pelindungan")
    response = client.get(path)
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text


def test_the_page_explains_a_refused_value_in_indonesian(client: TestClient) -> None:
    sign_in(client, "pelindungan")
    response = client.get("/cases?destination=%00")
    assert response.status_code in (200, 400)  # 200 on SQLite, which stores NUL
    if response.status_code == 400:
        assert "di luar batas" in response.text
