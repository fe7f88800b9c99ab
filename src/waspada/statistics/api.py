"""`/api/v1/stats/...`: current spike alerts (unit-scoped for unit-scoped roles) and their
acknowledgement."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from waspada.platform.deps import get_db, require
from waspada.platform.security.policy import Principal
from waspada.statistics import service
from waspada.statistics.schemas import AckIn, AckOut, AlertOut, AlertsOut

api_router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])


@api_router.get("/alerts", response_model=AlertsOut)
def list_alerts(kind: Literal["month", "quarter", "week"] = "month", db: Session = Depends(get_db),
                principal: Principal = Depends(require("stats.view"))) -> AlertsOut:
    """Province spikes in the last three periods for every computed indicator: observed,
    expected (quasi-Poisson GLM on the preceding three years), ratio, p-value and the
    acknowledgement (who, when, note) if any."""
    found = service.alerts(db, principal, kind)
    return AlertsOut(kind=kind, alerts=[AlertOut(**a.to_dict()) for a in found])


@api_router.post("/alerts/acknowledge", response_model=AckOut, status_code=201)
def acknowledge(data: AckIn, db: Session = Depends(get_db),
                principal: Principal = Depends(require("stats.acknowledge"))) -> AckOut:
    """Acknowledge a current alert with a note (audited). 404 when no such alert is current,
    422 for an empty or over-long note."""
    return service.acknowledge(db, principal, data)
