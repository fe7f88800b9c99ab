"""Statistics pages: the public ``/statistik`` (suppressed open data) and the officer page
``/statistics`` (unit-scoped). Thin: parse, call :mod:`statistics.service`, render."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from waspada.platform.deps import get_db, public, require
from waspada.platform.files import csv_cells
from waspada.platform.i18n import current_language
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

from . import service
from .catalogue import computed, indicators
from .charts import bar_chart
from .tilemap import fmt, province_name, render_tilemap

router = APIRouter(include_in_schema=False)



def _pick(indicator: str, allowed: list[str]) -> str:
    return indicator if indicator in allowed else allowed[0]


def _csv(rows: list[list[object]], header: list[str], stem: str) -> Response:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(csv_cells(r) for r in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{stem}.csv"'})


@router.get("/statistik", dependencies=[Depends(public)])
def public_statistics(request: Request, indikator: str = "screenings",
                      db: Session = Depends(get_db)) -> Response:
    allowed = service.public_indicators()
    ind = _pick(indikator, allowed)
    lang = current_language.get()
    view = service.public_view(db, ind)
    name = indicators()[ind].name(lang)
    hidden = f"<{service.DEFAULT_K}"
    ctx: dict[str, object] = {
        "indicator": ind, "view": view, "k": service.DEFAULT_K, "name": name,
        "choices": [(i, indicators()[i].name(lang)) for i in allowed], "fmt": fmt,
        "hidden": hidden}
    if view is not None:
        ctx["map_svg"] = render_tilemap(
            view.map_values, title=_("%(name)s by province of origin, last 12 months",
                                     name=name),
            desc=_("Tile map: one square per province. Counts under %(k)s are hidden. The "
                   "same numbers are in the table beside the map.", k=view.k),
            hidden_label=hidden)
        ctx["trend_svg"] = bar_chart(
            view.months, view.national, title=_("%(name)s per month", name=name),
            desc=_("Bar chart; the same numbers are in the table beside it."),
            hidden_label=hidden, chart_id="trend")
        ctx["trend_rows"] = list(zip(view.months, view.national, strict=True))
    return render(request, "statistics/public.html", ctx)


@router.get("/statistik/unduh.csv", dependencies=[Depends(public)])
def public_download(indikator: str = "screenings", db: Session = Depends(get_db)) -> Response:
    ind = _pick(indikator, service.public_indicators())
    view = service.public_view(db, ind)
    rows = view.csv_rows if view is not None else []
    return _csv(rows, ["indicator", "province_code", "province_name", "period", "count",
                       "flag"], f"statistik-{ind}")


@router.get("/statistics")
def officer_statistics(request: Request, indicator: str = "screenings",
                       db: Session = Depends(get_db),
                       principal: Principal = Depends(require("stats.view"))) -> Response:
    ids = [i.id for i in computed()]
    ind = _pick(indicator, ids)
    lang = current_language.get()
    view = service.officer_view(db, principal, ind)
    name = indicators()[ind].name(lang)
    return render(request, "statistics/officer.html", {
        "view": view, "indicator": ind, "name": name, "fmt": fmt,
        "choices": [(i, indicators()[i].name(lang)) for i in ids],
        "caveats": indicators()[ind].caveats,
        "ind_names": {i: indicators()[i].name(lang) for i in ids},
        "province_name": province_name,
        "trend_rows": list(zip(view.months, view.trend, strict=True)),
        "trend_svg": bar_chart(view.months, view.trend,
                               title=_("%(name)s per month", name=name),
                               desc=_("Bar chart; the same numbers are in the table beside "
                                      "it."), chart_id="trend"),
        "map_svg": render_tilemap(
            {c: n for c, n, _x in ((p[0], p[2], 0) for p in view.provinces)},
            title=_("%(name)s by province of origin, last 12 months", name=name),
            desc=_("Tile map: one square per province. The same numbers are in the table "
                   "beside the map.")),
    })


@router.get("/statistics/export.csv")
def officer_export(indicator: str = "screenings", table: str = "month",
                   db: Session = Depends(get_db),
                   principal: Principal = Depends(require("stats.view"))) -> Response:
    ind = _pick(indicator, [i.id for i in computed()])
    view = service.officer_view(db, principal, ind)
    if table == "province":
        return _csv([[ind, c, n, v] for c, n, v in view.provinces],
                    ["indicator", "province_code", "province_name", "count"],
                    f"statistics-{ind}-province")
    if table == "destination":
        return _csv([[ind, d, v] for d, v in view.destinations],
                    ["indicator", "destination", "count"], f"statistics-{ind}-destination")
    return _csv([[ind, m, v] for m, v in zip(view.months, view.trend, strict=True)],
                ["indicator", "period", "count"], f"statistics-{ind}-month")
