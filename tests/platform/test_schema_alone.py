"""A module that defines tables, imported alone, still gets sessions that see the whole schema:
every foreign key resolves once ``session_factory()`` has run (a command that imports only its
own capability used to fail with NoReferencedTableError: ``waspada watchlist list``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from waspada.platform.capabilities import installed

TABLE_MODULES = sorted({m for c in installed() for m in c.tables})
PROBE = """
import importlib, sys
importlib.import_module(sys.argv[1])
from waspada.platform.db import Base, session_factory
session_factory()
for table in Base.metadata.tables.values():
    for fk in table.foreign_keys:
        fk.column  # raises NoReferencedTableError when the target table was never imported
print(len(Base.metadata.tables))
"""


def test_every_table_module_is_probed() -> None:
    assert "waspada.platform.audit" in TABLE_MODULES and len(TABLE_MODULES) >= 10


@pytest.mark.parametrize("module", TABLE_MODULES)
def test_a_table_module_imported_alone_resolves_every_foreign_key(module: str,
                                                                 tmp_path: Path) -> None:
    # a session factory of its own (a SQLite file in tmp_path that is never opened)
    env = {k: v for k, v in os.environ.items() if k != "WASPADA_DATABASE_URL"}
    env["WASPADA_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True,
                          text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) >= len(TABLE_MODULES)
