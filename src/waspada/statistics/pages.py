"""Statistics pages: the public ``/statistik`` (suppressed open data) and the officer page
``/statistics`` (unit-scoped), their CSV and Excel downloads, the alert acknowledgement form
and the alerts block of the home page. Thin: parse, call :mod:`statistics.service`, render."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.platform.db import session_factory
from waspada.platform.deps import get_db, public, require
from waspada.platform.domain import DomainError
from waspada.platform.exports import csv_writer
from waspada.platform.formroute import FormRoute, Refused, reshow_with
from waspada.platform.i18n import N_, current_language
from waspada.platform.i18n import gettext as _
from waspada.platform.labels import country_name
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, allowed
from waspada.platform.security.roles import Role
from waspada.platform.templating import render, templates

from . import service
from .catalogue import computed, durations, indicators
from .charts import bar_chart
from .periods import period_text
from .schemas import AckIn
from .suppression import SuppressedTable
from .tilemap import UNKNOWN, fmt, province_label, province_name, render_tilemap
from .xlsx import MEDIA_TYPE, workbook

router = APIRouter(include_in_schema=False, route_class=FormRoute)

Table = Literal["month", "province", "destination", "regency", "duration"]
Kind = Literal["month", "quarter", "week"]
Format = Literal["csv", "xlsx"]


def _pick(indicator: str, allowed_ids: list[str]) -> str:
    """A page shows the first indicator when asked for one it does not offer."""
    return indicator if indicator in allowed_ids else allowed_ids[0]


def _download_of(indicator: str, allowed_ids: list[str]) -> str:
    """A download names its indicator exactly: another file in its place would be read as the
    one asked for, so an unknown one is a 404 naming the choices."""
    if indicator not in allowed_ids:
        raise DomainError("unknown_indicator",
                          N_("There is no indicator {indicator} to download; choose one of: "
                             "{choices}."), status=404, indicator=indicator[:40],
                          choices=", ".join(allowed_ids))
    return indicator


def _notes(indicator_ids: list[str], lang: str) -> list[tuple[str, str]]:
    """The Excel file's second sheet: each indicator of the table with its definition in
    words (the catalogue's formula names tables and columns, which a reader does not read)
    and its caveats, in the reader's language."""
    notes: list[tuple[str, str]] = []
    for indicator in indicator_ids:
        ind = indicators()[indicator]
        notes += [(_("Indicator"), ind.name(lang)), (_("Definition"), ind.definition(lang)),
                  (_("Caveats"), ind.caveats(lang))]
    return notes


def _download(rows: list[list[object]], header: list[str], stem: str, fmt_: Format,
              indicator_ids: list[str]) -> Response:
    """A table as CSV or Excel; ``indicator_ids`` are the indicators the table holds (the
    durations table holds all four duration measures, whatever indicator the page shows)."""
    if fmt_ == "xlsx":
        notes = _notes(indicator_ids, current_language.get())
        return Response(workbook(header, rows, sheet=stem[:31], notes=notes),
                        media_type=MEDIA_TYPE,
                        headers={"content-disposition": f'attachment; filename="{stem}.xlsx"'})
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(header)
    w.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{stem}.csv"'})


@router.get("/statistik", dependencies=[Depends(public)])
def public_statistics(request: Request, indikator: str = "screenings",
                      db: Session = Depends(get_db)) -> Response:
    allowed_ids = service.public_indicators()
    ind = _pick(indikator, allowed_ids)
    lang = current_language.get()
    view = service.public_view(db, ind)
    name = indicators()[ind].name(lang)
    hidden = f"<{service.DEFAULT_K}"
    ctx: dict[str, object] = {
        "indicator": ind, "view": view, "k": service.DEFAULT_K, "name": name,
        "choices": [(i, indicators()[i].name(lang)) for i in allowed_ids], "fmt": fmt,
        "hidden": hidden, "caveats": indicators()[ind].caveats(lang),
        "province_label": province_label, "unknown": UNKNOWN,
        "destination_label": destination_label,
        "period": lambda label: period_text(label, lang)}
    if view is not None:
        ctx["map_svg"] = render_tilemap(
            view.map_values, title=_("%(name)s by province of origin, last 12 months",
                                     name=name),
            desc=_("Tile map: one square per province. Counts under %(k)s are hidden. The "
                   "same numbers are in the table beside the map.", k=view.k),
            hidden_label=hidden)
        ctx["trend_svg"] = bar_chart(
            [period_text(m, lang) for m in view.months], view.national,
            title=_("%(name)s per month", name=name),
            desc=_("Bar chart; the same numbers are in the table beside it."),
            hidden_label=hidden, chart_id="trend")
        ctx["trend_rows"] = list(zip(view.months, view.national, strict=True))
    return render(request, "statistics/public.html", ctx)


def _public_rows(db: Session, ind: str) -> list[list[object]]:
    view = service.public_view(db, ind)
    return view.csv_rows if view is not None else []


PUBLIC_HEADER = ["indicator", "province_code", "province_name", "period", "count", "flag"]


@router.get("/statistik/unduh.csv", dependencies=[Depends(public)])
def public_download(indikator: str = "screenings", db: Session = Depends(get_db)) -> Response:
    ind = _download_of(indikator, service.public_indicators())
    return _download(_public_rows(db, ind), PUBLIC_HEADER, f"statistik-{ind}", "csv", [ind])


@router.get("/statistik/unduh.xlsx", dependencies=[Depends(public)])
def public_download_xlsx(indikator: str = "screenings",
                         db: Session = Depends(get_db)) -> Response:
    ind = _download_of(indikator, service.public_indicators())
    return _download(_public_rows(db, ind), PUBLIC_HEADER, f"statistik-{ind}", "xlsx", [ind])


def _regency_rows(tab: SuppressedTable | None) -> list[list[object]]:
    """Regency x quarter rows with totals; hidden cells as None."""
    if tab is None:
        return []
    from waspada.identity.nik import region_names

    r, c = tab.shape
    out: list[list[object]] = []
    for i in range(r + 1):
        code = tab.rows[i] if i < r else "ALL"
        name = (region_names(code)[1] or "?") if i < r else ""
        out.append([code, name, *[tab.published(i, j) for j in range(c + 1)]])
    return out


def _officer_page(request: Request, db: Session, principal: Principal, indicator: str,
                  kind: Kind, province: str | None = None, *, error: str | None = None,
                  form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    ids = [i.id for i in computed()]
    ind = _pick(indicator, ids)
    lang = current_language.get()
    view = service.officer_view(db, principal, ind, kind, province)
    name = indicators()[ind].name(lang)
    per = {"month": _("per month"), "quarter": _("per quarter"), "week": _("per week")}[kind]
    duration_names = {d.id: d.name(lang) for d in durations()}
    return render(request, "statistics/officer.html", {
        "view": view, "indicator": ind, "name": name, "fmt": fmt, "kind": kind, "per": per,
        "choices": [(i, indicators()[i].name(lang)) for i in ids],
        "caveats": indicators()[ind].caveats(lang),
        "ind_names": {i: indicators()[i].name(lang) for i in ids},
        "duration_names": duration_names,
        "province_name": province_name, "province_label": province_label,
        "unknown": UNKNOWN, "destination_label": destination_label,
        "period": lambda label: period_text(label, lang), "k": service.DEFAULT_K,
        "regency_rows": _regency_rows(view.regencies),
        "regency_columns": ([period_text(c, lang) for c in view.regencies.columns]
                            if view.regencies else []),
        "may_acknowledge": allowed(principal, "stats.acknowledge"),
        "error": error, "form": form or {},
        "trend_rows": list(zip(view.months, view.trend, strict=True)),
        "trend_svg": bar_chart([period_text(m, lang) for m in view.months], view.trend,
                               title=f"{name} {per}",
                               desc=_("Bar chart; the same numbers are in the table beside "
                                      "it."), chart_id="trend"),
        "map_svg": render_tilemap(
            {c: n for c, _n, n in view.provinces},
            title=_("%(name)s by province of origin, last 12 months", name=name),
            desc=_("Tile map: one square per province. The same numbers are in the table "
                   "beside the map.")),
    }, status_code=status_code)


#: the indicator a role's page opens on: protection officers (KBRI, shelters) count cases,
#: they screen no one
FIRST_INDICATOR = {Role.PROTECTION_OFFICER: "cases_reported"}


@router.get("/statistics")
def officer_statistics(request: Request, indicator: str | None = None,
                       periode: Kind = "month", provinsi: str | None = None,
                       db: Session = Depends(get_db),
                       principal: Principal = Depends(require("stats.view"))) -> Response:
    chosen = indicator or FIRST_INDICATOR.get(principal.role, "screenings")
    return _officer_page(request, db, principal, chosen, periode, provinsi)


def _ack_refused(request: Request, refused: Refused) -> Response:
    with session_factory()() as db:
        return _officer_page(request, db, refused.principal,
                             refused.fields.get("indicator", "screenings"), "month",
                             error=refused.message, form=refused.fields, status_code=400)


@router.post("/statistics/alerts/acknowledge")
@reshow_with(_ack_refused, AckIn)
def acknowledge_alert(request: Request, data: Annotated[AckIn, Form()],
                      db: Session = Depends(get_db),
                      principal: Principal = Depends(require("stats.acknowledge"))
                      ) -> Response:
    try:
        service.acknowledge(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _officer_page(request, db, principal, data.indicator, "month",
                             error=exc.localized(_), form=data.model_dump(mode="json"),
                             status_code=exc.status)
    return RedirectResponse(f"/statistics?indicator={data.indicator}#alerts", status_code=303)


def destination_label(code: str) -> str:
    """A destination country by name in the reader's language; the counts without a known
    destination as "Tujuan tidak diketahui" / "Destination unknown", never ``??``."""
    if code == UNKNOWN:
        return _("Destination unknown")
    return country_name(code, current_language.get())


def _officer_table(db: Session, principal: Principal, ind: str, table: Table, kind: Kind,
                   province: str | None) -> tuple[list[list[object]], list[str], str]:
    view = service.officer_view(db, principal, ind, kind, province)
    if table == "province":
        return ([[ind, c, province_label(c), v] for c, _n, v in view.provinces],
                ["indicator", "province_code", "province_name", "count"],
                f"statistics-{ind}-province")
    if table == "destination":
        return ([[ind, d, destination_label(d), v] for d, v in view.destinations],
                ["indicator", "destination", "destination_name", "count"],
                f"statistics-{ind}-destination")
    if table == "regency":
        cols = list(view.regencies.columns) if view.regencies else []
        return ([[ind, *row] for row in _regency_rows(view.regencies)],
                ["indicator", "regency_code", "regency_name", *cols, "ALL"],
                f"statistics-{ind}-regency-{view.regency_province}")
    if table == "duration":
        return ([[d.measure, p, med, n] for d in view.durations
                 for p, med, n in zip(d.periods, d.medians, d.counts, strict=True)],
                ["measure", "period", "median_days", "count"], f"statistics-durations-{kind}")
    return ([[ind, m, v] for m, v in zip(view.months, view.trend, strict=True)],
            ["indicator", "period", "count"], f"statistics-{ind}-{kind}")


def _table_indicators(ind: str, table: Table) -> list[str]:
    """The indicators an officer table holds: the durations table is the duration measures
    (its Excel file once named the page's default indicator, "Departure and passport
    screenings", as its own)."""
    return [d.id for d in durations()] if table == "duration" else [ind]


@router.get("/statistics/export.csv")
def officer_export(indicator: str = "screenings", table: Table = "month",
                   periode: Kind = "month", provinsi: str | None = None,
                   db: Session = Depends(get_db),
                   principal: Principal = Depends(require("stats.view"))) -> Response:
    ind = _download_of(indicator, [i.id for i in computed()])
    rows, header, stem = _officer_table(db, principal, ind, table, periode, provinsi)
    return _download(rows, header, stem, "csv", _table_indicators(ind, table))


@router.get("/statistics/export.xlsx")
def officer_export_xlsx(indicator: str = "screenings", table: Table = "month",
                        periode: Kind = "month", provinsi: str | None = None,
                        db: Session = Depends(get_db),
                        principal: Principal = Depends(require("stats.view"))) -> Response:
    ind = _download_of(indicator, [i.id for i in computed()])
    rows, header, stem = _officer_table(db, principal, ind, table, periode, provinsi)
    return _download(rows, header, stem, "xlsx", _table_indicators(ind, table))


def home_alerts(request: Request, db: Session, principal: Principal) -> str | None:
    """The current spike alerts block of the home page, for cross-unit analysts and admins
    (registered in capability.py as a home widget)."""
    if principal.role not in CROSS_UNIT_ROLES or not allowed(principal, "stats.view"):
        return None
    lang = current_language.get()
    found = service.alerts(db, principal, refresh=False)  # never waits for a refresh
    # rendered by the autoescaping environment; home.html marks it safe
    return templates.get_template("statistics/home_alerts.html").render(
        alerts=found, fmt=fmt, province_label=province_label, unknown=UNKNOWN, lang=lang,
        period=lambda label: period_text(label, lang),
        ind_names={i.id: i.name(lang) for i in computed()})
