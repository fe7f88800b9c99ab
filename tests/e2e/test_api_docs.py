"""The API documentation viewer renders the OpenAPI 3.1 schema from local files under the CSP."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in_page
from waspada.demo.synthetic import demo_password

pytestmark = pytest.mark.e2e


def test_api_docs_list_operations(app, page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(live_server) and not req.url.startswith("data:") else None)
    sign_in_page(page, live_server, "petugas.tpi", demo_password("petugas.tpi"))
    page.goto(live_server + "/api/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert "Unable to render" not in page.content()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(paths) > 10
    assert any("/api/v1/auth/login" in path.replace("\u200b", "") for path in paths)
    assert page.locator(".info .title").inner_text().startswith("Waspada API")
    assert violations == []
    assert outside == []
