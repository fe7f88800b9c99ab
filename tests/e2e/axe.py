"""Run axe-core (vendored: tests/e2e/vendor/, test-only) in the page a browser test is on.

The page's content security policy allows no injected script, so the contexts that run axe
are opened with ``bypass_csp=True`` (the app itself is unchanged)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).with_name("vendor") / "axe.min.js"


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (every rule axe runs by default: WCAG 2.0,
    2.1 and 2.2 A/AA and best practices), each reduced to its id, impact and first targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]
