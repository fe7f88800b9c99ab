"""Response models of the statistics API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from waspada.platform.i18n import N_

from .store import INDICATOR, NOTE, PERIOD


class AlertOut(BaseModel):
    indicator: str = Field(description="indicator id from statistics/indicators.yaml")
    area: str = Field(description="province code (first two digits of a NIK)")
    period: str = Field(description="YYYY-MM, YYYY-Qn or YYYY-Www")
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    acknowledged: bool
    acknowledged_by: str | None = Field(description="who acknowledged it (username)")
    acknowledged_at: str | None = Field(description="ISO 8601, UTC")
    note: str | None = Field(description="the acknowledgement's note")


class AlertsOut(BaseModel):
    kind: Literal["month", "quarter", "week"]
    alerts: list[AlertOut]


class AckIn(BaseModel):
    """Acknowledging a current spike alert (page form and API body)."""

    indicator: str = Field(min_length=1, max_length=INDICATOR, title=N_("Indicator"))
    area: str = Field(min_length=2, max_length=2, title=N_("Province"),
                      description="province code")
    period: str = Field(min_length=7, max_length=PERIOD, title=N_("Period"),
                        description="YYYY-MM, YYYY-Qn or YYYY-Www")
    kind: Literal["month", "quarter", "week"] = "month"
    note: str = Field(min_length=1, max_length=NOTE, title=N_("Note"),
                      description="what was checked or done")


class AckOut(BaseModel):
    indicator: str
    area: str
    period: str
    kind: Literal["month", "quarter", "week"]
    acknowledged_by: str
    acknowledged_at: str = Field(description="ISO 8601, UTC")
    note: str
