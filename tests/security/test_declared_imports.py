"""Every third-party module the product imports is a declared runtime dependency.

`make test` installs the test extras, which pull in packages the product does not declare (pandas
came in through recordlinkage), so a missing declaration only showed after a plain `pip install .`.
This walks every ``import`` in ``src/waspada`` (module level and inside functions), maps each
top-level module to the distribution that provides it, and compares with ``pyproject.toml``.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "waspada"

# Optional engines: imported only on the code path that needs them, behind an extra of the same
# name (``pip install 'waspada[spark]'``); the code reports a clear error when it is missing.
OPTIONAL_EXTRAS = {"spark", "train"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party_imports() -> dict[str, set[str]]:
    """Module name -> files importing it, stdlib, ``waspada`` and ``__future__`` excluded."""
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for name in imported_modules(path):
            if name in sys.stdlib_module_names or name in {"waspada", "__future__"}:
                continue
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def declared(extras: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """Canonical names of the runtime dependencies (plus the given extras) in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project.get("optional-dependencies", {}).get(extra, [])
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


def test_the_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import os\ndef f():\n    import pandas as pd\n    from scipy.sparse import x\n"
                      "from . import sibling\n", encoding="utf-8")
    assert imported_modules(source) == {"os", "pandas", "scipy"}


def test_every_third_party_import_is_a_declared_runtime_dependency() -> None:
    providers = packages_distributions()
    runtime = declared()
    optional = declared(OPTIONAL_EXTRAS) - runtime
    problems = []
    for module, files in sorted(third_party_imports().items()):
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists:
            problems.append(f"{module}: no installed distribution provides it ({sorted(files)})")
        elif not dists & runtime and not dists & optional:
            problems.append(f"{module} (from {sorted(dists)}) is imported by {sorted(files)} "
                            "but is not in [project] dependencies of pyproject.toml")
    assert not problems, "\n".join(problems)


def test_optional_engines_are_only_imported_inside_functions() -> None:
    """An optional extra must not be imported at module level, or `pip install .` breaks."""
    providers = packages_distributions()
    optional = declared(OPTIONAL_EXTRAS) - declared()
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module.split(".")[0]]
            else:
                continue
            for module in modules:
                if {canonicalize_name(d) for d in providers.get(module, [])} & optional:
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders
