"""The whole schema: every installed capability's table modules, imported through the registry
(``platform/capabilities.py``), so Alembic and tests see every table."""

from waspada.platform.capabilities import import_tables
from waspada.platform.db import Base

import_tables()

metadata = Base.metadata
