"""Imports every module that defines tables, so Alembic and tests see the whole schema.

A new capability with tables adds its ``store`` module here.
"""

from waspada.cases import models as _cases  # noqa: F401
from waspada.matching import store as _matching  # noqa: F401
from waspada.offers import store as _offers  # noqa: F401
from waspada.platform import audit as _audit  # noqa: F401
from waspada.platform.db import Base
from waspada.platform.security import models as _security  # noqa: F401
from waspada.screening import store as _screening  # noqa: F401

metadata = Base.metadata
