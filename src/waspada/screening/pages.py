"""Counter pages: start a screening, guided interview with a live assessment panel, decision,
official record, the person's history, today's screenings, statistics and export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from waspada.identity.consistency import parse_date
from waspada.platform import audit
from waspada.platform.deps import form_fields, get_db, require
from waspada.platform.exports import spreadsheet_safe
from waspada.platform.i18n import N_, current_language
from waspada.platform.i18n import gettext as _
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal
from waspada.platform.templating import render
from waspada.platform.timezones import format_local, zone_of
from waspada.platform.types import IdPath, OptionalIdQuery, parse_id
from waspada.screening import service
from waspada.screening.api import history, load_screening, pdf_response
from waspada.screening.assess import ACTION_LABELS, ACTIONS
from waspada.screening.catalogue import destinations, legal_bases, questionnaire
from waspada.screening.store import Screening, ScreeningDecision
from waspada.screening.views import screening_dict

router = APIRouter(include_in_schema=False)

VISA_TYPES = ("tourist", "visa_free", "voa", "work", "student", "other")
COUNTRY_CHOICES = ("KHM", "MMR", "LAO", "THA", "MYS", "PHL", "VNM", "ARE", "SGP", "HKG", "TWN",
                   "JPN", "KOR", "SAU", "CHN", "AUS")


def _unit_scope(principal: Principal) -> int | None:
    """None = every unit; otherwise the principal's own unit."""
    return None if principal.role in CROSS_UNIT_ROLES else principal.unit_id


def _default_kind(db: Session, principal: Principal) -> str:
    unit = db.get(Unit, principal.unit_id) if principal.unit_id else None
    return "passport" if unit is not None and unit.kind == "immigration_office" else "departure"


def _context(db: Session, principal: Principal) -> dict[str, Any]:
    return {"questionnaire": questionnaire(), "destinations": destinations(),
            "countries": COUNTRY_CHOICES, "visa_types": VISA_TYPES,
            "legal_bases": legal_bases(), "actions": ACTIONS, "action_labels": ACTION_LABELS,
            "default_kind": _default_kind(db, principal)}


def _today_list(db: Session, principal: Principal) -> list[Screening]:
    start = datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)
    stmt = select(Screening).where(Screening.created_at >= start)
    scope = _unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    return list(db.scalars(stmt.order_by(Screening.created_at.desc()).limit(200)))


@router.get("/screenings")
def screenings_home(request: Request, db: Session = Depends(get_db),
                    principal: Principal = Depends(require("screening.conduct"))) -> Response:
    return render(request, "screening/home.html", {
        "today": _today_list(db, principal), "error": None, "form": {},
        **_context(db, principal)})


@router.post("/screenings")
def screenings_start(request: Request, kind: str = Form("departure"), mrz: str = Form(""),
                     full_name: str = Form(""), nik: str = Form(""), passport_no: str = Form(""),
                     birth_date: str = Form(""), sex: str = Form(""),
                     destination_country: str = Form(""), transit_countries: str = Form(""),
                     ticket: str = Form(""), visa_type: str = Form(""),
                     stated_purpose: str = Form(""), flight: str = Form(""),
                     accommodation: str = Form(""), contacts_abroad: str = Form(""),
                     sponsor: str = Form(""), offer_text: str = Form(""),
                     db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.conduct"))) -> Response:
    form = {"kind": kind, "mrz": mrz[:200], "full_name": full_name[:300], "nik": nik[:32],
            "passport_no": passport_no[:32], "birth_date": birth_date[:20], "sex": sex[:1],
            "destination_country": destination_country[:3],
            "transit_countries": transit_countries[:40], "ticket": ticket[:10],
            "visa_type": visa_type[:12], "stated_purpose": stated_purpose[:32],
            "flight": flight[:40], "accommodation": accommodation[:300],
            "contacts_abroad": contacts_abroad[:300], "sponsor": sponsor[:300],
            "offer_text": offer_text[:service.MAX_TEXT]}
    error = None
    parsed_birth = parse_date(birth_date) if birth_date.strip() else None
    if birth_date.strip() and parsed_birth is None:
        error = _("The date of birth is not a valid date.")
    data = service.TravellerInput(
        kind=kind if kind in ("departure", "passport") else "departure",
        mrz=[line.strip() for line in mrz.splitlines() if line.strip()][:3],
        full_name=form["full_name"], nik=form["nik"], passport_no=form["passport_no"],
        birth_date=parsed_birth, sex=sex if sex in ("M", "F") else None,
        destination_country=form["destination_country"],
        transit_countries=[c for c in transit_countries.replace(";", ",").split(",") if c],
        ticket=ticket if ticket in ("one_way", "return") else "",
        visa_type=visa_type if visa_type in VISA_TYPES else "",
        stated_purpose=form["stated_purpose"], flight=form["flight"],
        accommodation=form["accommodation"], contacts_abroad=form["contacts_abroad"],
        sponsor=form["sponsor"], offer_text=form["offer_text"])
    if error is None:
        try:
            screening = service.create(db, principal, data)
        except service.ScreeningError as exc:
            db.rollback()
            error = _(ERRORS.get(exc.code, "The screening could not be started."))
        else:
            db.flush()
            audit.record("screening.create", principal, object_type="screening",
                         object_id=screening.id, unit_id=screening.unit_id,
                         level=screening.level, session=db)
            db.commit()
            return RedirectResponse(f"/screenings/{screening.id}", status_code=303)
    return render(request, "screening/home.html", {
        "today": _today_list(db, principal), "error": error, "form": form,
        **_context(db, principal)}, status_code=400)


ERRORS = {
    "name_missing": N_("Give the traveller's name or paste the MRZ lines."),
    "too_long": N_("The text is too long."),
    "decided": N_("This screening is already decided; record a correction instead."),
    "reason_required": N_("Give a reason: the decision differs from the recommendation, or it "
                          "corrects an earlier one."),
    "legal_basis": N_("Choose at least one legal basis."),
    "bad_action": N_("Choose an action."),
    "unknown_question": N_("Unknown question."),
    "bad_answer": N_("An answer is not one of the options."),
    "not_supervisor": N_("Only a supervisor of the unit can approve."),
    "own_decision": N_("A supervisor cannot approve their own decision."),
    "no_approval_needed": N_("This decision needs no approval."),
    "no_unit": N_("Your account has no unit."),
}


def _screening_page(request: Request, db: Session, principal: Principal,
                    screening: Screening, error: str | None = None, status: int = 200
                    ) -> Response:
    lang = current_language.get()
    data = screening_dict(db, screening, lang)
    audit.record("screening.read", principal, object_type="screening", object_id=screening.id,
                 unit_id=screening.unit_id, session=db)
    db.commit()
    from waspada.platform.security.models import User

    user = db.get(User, principal.user_id) if principal.user_id else None
    return render(request, "screening/screening.html", {
        "s": data, "screening": screening, "error": error,
        "is_supervisor": bool(user and user.is_supervisor), **_context(db, principal)},
        status_code=status)


@router.get("/screenings/stats")
def screening_stats(request: Request, days: int = Query(30, ge=1, le=366),
                    db: Session = Depends(get_db),
                    principal: Principal = Depends(require("screening.stats"))) -> Response:
    since = datetime.now(UTC) - timedelta(days=days)
    stmt = select(Screening.created_at, Screening.final_action, Screening.destination_country,
                  Screening.unit_id).where(Screening.created_at >= since)
    scope = _unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    units = {u.id: u.name for u in db.scalars(select(Unit))}
    by_day: dict[str, Counter[str]] = {}
    by_dest: Counter[str] = Counter()
    by_unit: dict[str, Counter[str]] = {}
    for created, action, dest, unit_id in db.execute(stmt):
        bucket = _bucket(action)
        by_day.setdefault(created.date().isoformat(), Counter())[bucket] += 1
        by_dest[dest or "-"] += 1
        by_unit.setdefault(units.get(unit_id, "?"), Counter())[bucket] += 1
    audit.record("screening.stats", principal, object_type="screening", days=days, session=db)
    db.commit()
    return render(request, "screening/stats.html", {
        "days": days, "by_day": sorted(by_day.items(), reverse=True),
        "by_dest": by_dest.most_common(), "by_unit": sorted(by_unit.items())})


def _bucket(action: str | None) -> str:
    if action in ("postpone",):
        return "postponed"
    if action in ("refer_kp2mi", "refer_police"):
        return "referred"
    return "screened"


@router.get("/screenings/export")
def screening_export(day_from: str = "", day_to: str = "", format: str = "csv",
                     db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.export"))) -> Response:
    """The unit's screenings for a period, as CSV or Excel."""
    start = parse_date(day_from) or (datetime.now(UTC).date() - timedelta(days=30))
    end = parse_date(day_to) or datetime.now(UTC).date()
    stmt = select(Screening).where(
        Screening.created_at >= datetime.combine(start, time.min, tzinfo=UTC),
        Screening.created_at < datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))
    scope = _unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    header = ["record_no", "created_at_utc", "created_at_local", "unit", "kind", "officer",
              "full_name", "nik", "passport_no", "destination_country", "level",
              "recommended_action", "final_action"]
    rows = [[s.record_no, s.created_at.strftime("%Y-%m-%d %H:%M"),
             format_local(s.created_at, zone_of(s.unit), "%Y-%m-%d %H:%M"), s.unit.name, s.kind,
             s.officer.username if s.officer else "", s.full_name, s.nik or "",
             s.passport_no or "", s.destination_country, s.level, s.recommended_action,
             s.final_action or ""] for s in db.scalars(stmt.order_by(Screening.created_at))]
    audit.record("screening.export", principal, object_type="screening", format=format,
                 count=len(rows), day_from=start.isoformat(), day_to=end.isoformat(), session=db)
    db.commit()
    stem = f"screenings-{start.isoformat()}-{end.isoformat()}"
    if format == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Screenings"
        sheet.append(header)
        for row in rows:
            sheet.append([spreadsheet_safe(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return Response(buffer.getvalue(), media_type="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"content-disposition": f'attachment; filename="{stem}.xlsx"'})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[spreadsheet_safe(v) for v in row] for row in rows])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{stem}.csv"'})


@router.get("/screenings/{screening_id}")
def screening_page(request: Request, screening_id: IdPath, db: Session = Depends(get_db),
                   principal: Principal = Depends(require("screening.read"))) -> Response:
    screening = load_screening(db, principal, screening_id)
    return _screening_page(request, db, principal, screening)


@router.post("/screenings/{screening_id}/answers")
def screening_answers(request: Request, screening_id: IdPath,
                      form: FormData = Depends(form_fields), db: Session = Depends(get_db),
                      principal: Principal = Depends(require("screening.conduct"))) -> Response:
    screening = load_screening(db, principal, screening_id)
    known = questionnaire().by_code()
    answers = {code: str(form.get(f"q_{code}", ""))[:32] for code in known
               if f"q_{code}" in form}
    notes = str(form.get("notes", ""))[:service.MAX_TEXT]
    offer_text = str(form.get("offer_text", ""))[:service.MAX_TEXT]
    try:
        service.update_answers(db, screening, answers, notes, offer_text)
    except service.ScreeningError as exc:
        db.rollback()
        return _screening_page(request, db, principal, screening, _(ERRORS.get(exc.code, "")),
                               400)
    audit.record("screening.update", principal, object_type="screening",
                 object_id=screening.id, unit_id=screening.unit_id, answered=len(answers),
                 session=db)
    db.commit()
    return RedirectResponse(f"/screenings/{screening.id}#assessment", status_code=303)


@router.post("/screenings/{screening_id}/decision")
def screening_decide(request: Request, screening_id: IdPath,
                     form: FormData = Depends(form_fields), db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.conduct"))) -> Response:
    screening = load_screening(db, principal, screening_id)
    corrects = None
    corrects_raw = str(form.get("corrects_decision_id", ""))
    if corrects_raw.strip():
        corrects_id = parse_id(corrects_raw)
        corrects = db.get(ScreeningDecision, corrects_id) if corrects_id else None
        if corrects is None or corrects.screening_id != screening.id:
            raise HTTPException(404)
    try:
        decision = service.decide(
            db, principal, screening, action=str(form.get("action", "")),
            legal_bases=[str(v) for v in form.getlist("legal_bases")][:10],
            deviation_reason=str(form.get("deviation_reason", ""))[:service.MAX_TEXT],
            statement=str(form.get("statement", ""))[:service.MAX_TEXT], corrects=corrects,
            correction_reason=str(form.get("correction_reason", ""))[:service.MAX_TEXT])
    except service.ScreeningError as exc:
        db.rollback()
        return _screening_page(request, db, principal, screening, _(ERRORS.get(exc.code, "")),
                               400)
    db.flush()
    audit.record("screening.decide", principal, object_type="screening_decision",
                 object_id=decision.id, unit_id=screening.unit_id, decided_action=decision.action,
                 screening_id=screening.id, correction=corrects is not None, session=db)
    db.commit()
    return RedirectResponse(f"/screenings/{screening.id}#decisions", status_code=303)


@router.post("/screenings/{screening_id}/decisions/{decision_id}/approval")
def screening_approve(request: Request, screening_id: IdPath, decision_id: IdPath,
                      approved: str = Form(""), note: str = Form(""),
                      db: Session = Depends(get_db),
                      principal: Principal = Depends(require("screening.approve"))) -> Response:
    screening = load_screening(db, principal, screening_id)
    decision = db.get(ScreeningDecision, decision_id)
    if decision is None or decision.screening_id != screening.id:
        raise HTTPException(404)
    try:
        approval = service.approve(db, principal, decision, approved == "yes", note)
    except service.ScreeningError as exc:
        db.rollback()
        return _screening_page(request, db, principal, screening, _(ERRORS.get(exc.code, "")),
                               400)
    audit.record("screening.approve", principal, object_type="screening_decision",
                 object_id=decision.id, unit_id=screening.unit_id,
                 approved=approval.approved, session=db)
    db.commit()
    return RedirectResponse(f"/screenings/{screening.id}#decisions", status_code=303)


@router.get("/screenings/{screening_id}/record.pdf")
def screening_record(screening_id: IdPath, decision_id: OptionalIdQuery = None,
                     db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.read"))) -> Response:
    screening = load_screening(db, principal, screening_id)
    return pdf_response(db, principal, screening, decision_id)


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: IdPath, db: Session = Depends(get_db),
                principal: Principal = Depends(require("persons.history"))) -> Response:
    data = history(db, principal, person_id)
    return render(request, "screening/person.html", {"h": data})
