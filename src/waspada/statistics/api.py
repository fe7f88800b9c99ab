"""`/api/v1/stats/...`: current spike alerts (unit-scoped for unit-scoped roles)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from waspada.platform.deps import get_db, require
from waspada.platform.security.policy import Principal
from waspada.statistics import service
from waspada.statistics.schemas import AlertOut, AlertsOut

api_router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])


@api_router.get("/alerts", response_model=AlertsOut)
def list_alerts(kind: Literal["month", "quarter", "week"] = "month", db: Session = Depends(get_db),
                principal: Principal = Depends(require("stats.view"))) -> AlertsOut:
    """Province spikes in the last three periods for every computed indicator: observed,
    expected (quasi-Poisson GLM on the preceding three years), ratio and p-value."""
    found = service.alerts(db, principal, kind)
    return AlertsOut(kind=kind, alerts=[AlertOut(**a.to_dict()) for a in found])
