"""Response models of the statistics API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class AlertOut(BaseModel):
    indicator: str = Field(description="indicator id from statistics/indicators.yaml")
    area: str = Field(description="province code (first two digits of a NIK)")
    period: str = Field(description="YYYY-MM, YYYY-Qn or YYYY-Www")
    observed: int
    expected: float
    ratio: float | None
    p_value: float


class AlertsOut(BaseModel):
    kind: Literal["month", "quarter", "week"]
    alerts: list[AlertOut]
