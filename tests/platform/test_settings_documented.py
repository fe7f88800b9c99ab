"""walk18: every setting is documented, and every documented setting is real.

The README named 27 of the 45 ``WASPADA_*`` settings; ``WASPADA_DATA_DIR`` (where the database
and the keys live) was in none of the docs."""

from __future__ import annotations

import re
from pathlib import Path

from waspada.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "administration.md"


def _table_rows() -> str:
    text = TABLE.read_text(encoding="utf-8")
    start = text.index("## Settings (environment variables)")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def _fields() -> set[str]:
    return {f"WASPADA_{name.upper()}" for name in Settings.model_fields}


def test_every_setting_has_a_row_in_the_settings_table() -> None:
    rows = "\n".join(line for line in _table_rows().splitlines() if line.startswith("| `"))
    named = set(re.findall(r"`(WASPADA_[A-Z0-9_]+)`", rows))
    assert _fields() - named == set()
    assert named - _fields() == set()


def test_every_setting_named_in_the_readme_and_docs_is_real() -> None:
    # test-suite switches and per-destination Primero secrets are not settings
    others = {"WASPADA_TEST_DB_PROBE", "WASPADA_FUZZ_EXAMPLES", "WASPADA_SCREENSHOTS",
              "WASPADA_TEST_SPARK"}
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in files:
        for name in re.findall(r"WASPADA_[A-Z0-9_]+", path.read_text(encoding="utf-8")):
            if name in others or name.startswith("WASPADA_PRIMERO_"):
                continue
            assert name in _fields(), f"{path.name} names {name}, which is no setting"
