"""Capabilities meet only through each other's pure core or service layer (issue #12, item 6).

A capability (a package under ``src/waspada/`` other than ``platform``) must not import another
capability's ``store``, ``models``, ``api``, ``pages`` or ``cli`` modules; it may import another
capability's pure core modules and its ``service``/``schemas`` modules, and the platform. The
platform imports no capability (it names their modules by string in ``capabilities.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"
FORBIDDEN = {"store", "models", "api", "pages", "cli"}

#: today's violations, each naming the issue that removes it; the maintainer deletes an entry
#: when the branch fixing it lands (a stale entry fails the test too, so the list only shrinks)
ALLOWLIST: set[tuple[str, str]] = {
    # issue #19: the statistics refresh job reads other capabilities' rows (screenings and
    # decisions, cases, transitions, referrals, offer reports) into its pre-aggregated tables
    # (docs/statistics.md explains why a watermarked refresh and not a hook in each service);
    # only refresh.py reads them, and the demo inserts synthetic history
    ("statistics/demo.py", "waspada.cases.models"),
    ("statistics/demo.py", "waspada.screening.store"),
    ("statistics/refresh.py", "waspada.cases.models"),
    ("statistics/refresh.py", "waspada.offers.store"),
    ("statistics/refresh.py", "waspada.screening.store"),
    # issue #12 item 5: `waspada demo load` is a platform command (platform/cli.py) that runs the
    # shared demo package, which iterates over the capability registry; not a capability's module
    ("platform/cli.py", "waspada.demo"),
}


def _packages(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _module_of(path: Path, root: Path) -> list[str]:
    parts = ["waspada", *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_modules(path: Path, root: Path = SRC) -> set[str]:
    """Every module ``path`` imports (``from a import b`` counts as ``a`` and ``a.b``), with
    relative imports resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_of(path, root)
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def violations(root: Path = SRC) -> set[tuple[str, str]]:
    packages = _packages(root)
    found: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if len(rel.parts) < 2:
            continue  # the root cli.py mounts every capability
        owner = rel.parts[0]
        for name in imported_modules(path, root):
            parts = name.split(".")
            if len(parts) < 2 or parts[0] != "waspada" or parts[1] in (owner, "platform"):
                continue
            if parts[1] not in packages:
                continue
            if owner == "platform":
                found.add((rel.as_posix(), ".".join(parts[:2])))  # any capability at all
            elif len(parts) > 2 and parts[2] in FORBIDDEN:
                found.add((rel.as_posix(), ".".join(parts[:3])))
    return found


def test_no_capability_reaches_into_another_capabilitys_store_or_interfaces() -> None:
    new = sorted(violations() - ALLOWLIST)
    assert not new, ("import another capability's core or service module instead of its "
                     f"store/models/interfaces (or, for the platform, none at all): {new}")


def test_the_allowlist_has_no_stale_entries() -> None:
    stale = sorted(ALLOWLIST - violations())
    assert not stale, f"fixed: remove from ALLOWLIST {stale}"


def test_the_check_sees_absolute_relative_and_from_imports(tmp_path: Path) -> None:
    for name in ("platform", "offers", "matching", "cases", "identity"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "offers" / "probe.py").write_text(
        "from ..matching import store\nimport waspada.cases.models\n"
        "from waspada.identity.api import router\nfrom waspada.cases import workflow\n"
        "from waspada.matching.service import add\nfrom . import analyse\n"
        "from waspada.platform import audit\n", encoding="utf-8")
    (tmp_path / "platform" / "probe.py").write_text("from waspada.cases import workflow\n",
                                                    encoding="utf-8")
    assert violations(tmp_path) == {
        ("offers/probe.py", "waspada.matching.store"), ("offers/probe.py", "waspada.cases.models"),
        ("offers/probe.py", "waspada.identity.api"), ("platform/probe.py", "waspada.cases")}
