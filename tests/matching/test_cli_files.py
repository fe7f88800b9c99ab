"""The two matching command modules share their file helpers through ``cli_files`` (a public
module), not through each other's private names: ``watchlist_cli`` imported ``_Tolerant``,
``_write``, ``_apart`` ... from ``cli``, so a rename in one command module broke the other."""

from __future__ import annotations

import ast
from pathlib import Path

import waspada.matching.cli_files as cli_files

MATCHING = Path(__file__).resolve().parents[2] / "src" / "waspada" / "matching"


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{node.module}.{alias.name}" for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("waspada")
            for alias in node.names if alias.name.startswith("_")]


def test_the_command_modules_import_no_private_names() -> None:
    for name in ("cli.py", "watchlist_cli.py", "cli_files.py"):
        assert _private_imports(MATCHING / name) == [], name


def test_the_shared_helpers_are_public() -> None:
    assert set(cli_files.__all__) >= {"REJECTS_HELP", "Progress", "TolerantReader",
                                      "check_output", "keep_apart", "read_strict",
                                      "write_output"}
    for name in cli_files.__all__:
        assert not name.startswith("_"), name
        value = getattr(cli_files, name)
        assert isinstance(value, str) or value.__module__ == cli_files.__name__, name
