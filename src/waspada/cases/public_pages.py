"""The public family report (no account): the form, the receipt and the status by code.

Split from ``pages.py`` (same capability, same labels); the rate limiters stay there, where the
tests reset them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from waspada.cases import followup, limits, service, store
from waspada.cases.pages import _common, public_lookup_limiter, public_report_limiter
from waspada.cases.workflow import load_workflow
from waspada.platform.db import utcnow
from waspada.platform.deps import DB, client_ip, public
from waspada.platform.formroute import FormRoute
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.settings import get_settings
from waspada.platform.templating import render
from waspada.portal.hotlines import hotlines

router = APIRouter(include_in_schema=False, route_class=FormRoute)

#: the worst encoding of one character in the form's body: 4 UTF-8 bytes, each percent-encoded
WORST_BYTES_PER_CHAR = 12
#: a description is admitted up to this many characters (four times its limit) so that a long
#: paste is answered by the form's own "too long" error with everything typed kept
DESCRIPTION_ADMITTED = 4 * limits.PUBLIC["description"]
#: what the form sends besides ``limits.PUBLIC``: the CSRF token (43 characters), the consent
#: box and the honeypot, with room to spare
OTHER_FIELDS = {"csrf_token": 64, "consent": 1, "website": 100}


def _max_body() -> int:
    """Every field at its admitted length in the worst encoding, with its name and separators,
    in whole KiB."""
    admitted = {**limits.PUBLIC, "description": DESCRIPTION_ADMITTED, **OTHER_FIELDS}
    worst = sum(len(name) + 2 + WORST_BYTES_PER_CHAR * chars for name, chars in admitted.items())
    return -(-worst // 1024) * 1024


#: the public form is small: a bigger body is refused (413) before it is parsed. The bound is
#: computed from the field limits (about 100 KiB): parsing and checking that much costs
#: milliseconds, so the page cannot be frozen with it (docs/security.md)
PUBLIC_MAX_BODY = _max_body()
#: what each state means, in plain words for the family (never a detail of the case)
PUBLIC_STATUS_TEXT = {
    "reported": N_("Your report has been received. A protection officer will read it and "
                   "contact you on the number you gave, usually within two working days."),
    "verified": N_("An officer has checked your report and the case is being handled. The "
                   "embassy is trying to find and reach the person."),
    "located": N_("Officers know where the person is and are working to get them out safely."),
    "exited": N_("The person has left the place where they were held."),
    "in_shelter": N_("The person is in a safe place (a shelter) while their return is "
                     "prepared."),
    "citizenship_verified": N_("The person's Indonesian citizenship has been confirmed, the "
                               "step before a travel document can be issued."),
    "splp_issued": N_("A travel document for the trip home has been issued."),
    "repatriated": N_("The person has returned to Indonesia."),
    "handed_over": N_("After returning, the person has been handed over to the services that "
                      "help them (social services, their home region) or to the family."),
    "reintegration": N_("The person is home; officers follow up that they are doing well."),
    "closed": N_("The case is finished: the help that was needed has been given. If you are "
                 "still worried, call a hotline."),
    "not_a_victim": N_("Officers found that the person is not being held or exploited (for "
                       "example, they work legally). If you are still worried, call a "
                       "hotline."),
    "duplicate": N_("Your report concerns a person already reported; it continues as one "
                    "case."),
    "lost_contact": N_("Officers have lost contact with the person for now and keep trying. "
                       "If you hear from them, call a hotline or send a new report."),
}
PUBLIC_STATUS_OTHER = N_("Your report is being handled by protection officers.")
#: the receipt states the time in WIB: the family is in Indonesia, most often
PUBLIC_RECEIPT_ZONE = "Asia/Jakarta"
RECEIPT_PATH = "/lapor/tanda-terima"
RECEIPT_COOKIE = "waspada_lapor_receipt"
RECEIPT_MINUTES = 30
PUBLIC_PROBLEMS = {"required": N_("This field is required."),
                   "too_long": N_("This text is too long."),
                   "invalid": N_("This value is not valid."),
                   "birth_date": N_("A date of birth must lie between 1 January 1900 and today.")}


# -- public form (no account) -----------------------------------------------------------------

@router.get("/lapor", dependencies=[Depends(public)])
def public_form(request: Request) -> Response:
    return render(request, "cases/public_report.html", {**_common(), "form": {},
                                                        "problems": {}, "error": None})


@router.post("/lapor", dependencies=[Depends(public)])
async def public_submit(request: Request, db: DB) -> Response:
    ip = client_ip(request) or "unknown"
    if not public_report_limiter.hit(ip):
        await run_in_threadpool(service.refuse_public_report, "rate_limited", ip)
        return render(request, "cases/public_report.html", {
            **_common(), "form": {}, "problems": {},
            "error": _("Too many reports from this connection. Please try again later.")},
            status_code=429)
    length = request.headers.get("content-length", "")
    # the declared length first; a body sent without one (chunked) is measured: the platform
    # guard has read it already, bounded by its own limit
    if (length.isdigit() and int(length) > PUBLIC_MAX_BODY
            or len(await request.body()) > PUBLIC_MAX_BODY):
        await run_in_threadpool(service.refuse_public_report, "too_large", ip)
        return render(request, "cases/public_report.html", {
            **_common(), "form": {}, "problems": {},
            "error": _("The request is too large.")}, status_code=413)
    raw = await request.form(max_files=0, max_fields=30)
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    return await run_in_threadpool(_public_submit, request, form, ip, db)


def _public_submit(request: Request, form: dict[str, str], ip: str, db: Session) -> Response:
    if form.get("website"):  # honeypot: people do not see this field, robots fill it in
        service.refuse_public_report("honeypot", ip)
        return render(request, "cases/public_done.html", {
            "code": None, "hotlines": hotlines(), "sent_at": utcnow(),
            "receipt_zone": PUBLIC_RECEIPT_ZONE})
    consent = form.get("consent") == "1"
    report = store.clean_public_report(form)
    if not consent:
        report.problems["consent"] = "required"
    if report.problems:
        shown = {k: v for k, v in form.items() if k in limits.PUBLIC}
        problems = {k: _(PUBLIC_PROBLEMS[v if v in PUBLIC_PROBLEMS else "invalid"])
                    for k, v in report.problems.items()}
        if report.problems.get("description") == "too_long":  # say how much, never cut it
            problems["description"] = _(
                "The description has %(n)s characters; at most %(limit)s are allowed. "
                "Please shorten it.",
                n=len(form.get("description", "").replace("\r\n", "\n").strip()),
                limit=limits.PUBLIC["description"])
        return render(request, "cases/public_report.html", {
            **_common(), "form": shown, "problems": problems,
            "error": _("Please correct the marked fields.")}, status_code=422)
    code = service.create_public_case(db, report, ip=ip)
    # post/redirect/get: reloading the receipt must not send the report again. The code goes
    # to the receipt page in a short-lived cookie only that page receives (never in the URL)
    response = RedirectResponse(RECEIPT_PATH, status_code=303)
    settings = get_settings()
    secure = settings.cookie_secure == "always" or (
        settings.cookie_secure == "auto" and request.url.scheme == "https")
    response.set_cookie(RECEIPT_COOKIE, f"{code}.{int(utcnow().timestamp())}",
                        max_age=RECEIPT_MINUTES * 60, httponly=True, samesite="strict",
                        secure=secure, path=RECEIPT_PATH)
    return response


@router.get(RECEIPT_PATH, dependencies=[Depends(public)])
def public_receipt(request: Request) -> Response:
    """The printable receipt of the report just sent: its code and time, what happens now and
    the hotlines. Without the cookie (after 30 minutes, or another browser) only the advice."""
    code, sent_at = None, None
    raw = request.cookies.get(RECEIPT_COOKIE, "")
    given, _sep, stamp = raw.partition(".")
    short = followup.canonical(given)
    if short and stamp.isdigit():
        code = followup.format_code(short)
        sent_at = datetime.fromtimestamp(int(stamp), UTC)
    return render(request, "cases/public_done.html", {
        "code": code, "hotlines": hotlines(), "sent_at": sent_at,
        "receipt_zone": PUBLIC_RECEIPT_ZONE, "expired": code is None})


@router.get("/lapor/status", dependencies=[Depends(public)])
def public_status_form(request: Request) -> Response:
    return _public_status_page(request)


@router.post("/lapor/status", dependencies=[Depends(public)])
def public_status(request: Request, db: DB, code: Annotated[str, Form()] = "") -> Response:
    if not code.strip(" -\t."):  # nothing to look up: ask for the code (nor counted, nor audited)
        return _public_status_page(request, asked=True, empty=True, status_code=422)
    ip = client_ip(request) or "unknown"
    if not public_lookup_limiter.hit(ip):
        return _public_status_page(request, asked=True, limited=True, status_code=429)
    found = service.public_status(db, code, ip=ip)
    result = None
    if found:
        state = load_workflow().states[found[0]]
        result = {"code": found[0], "label": _(state.label),
                  "explanation": _(PUBLIC_STATUS_TEXT.get(found[0], PUBLIC_STATUS_OTHER)),
                  "updated": found[1].date().strftime("%d-%m-%Y")}
    return _public_status_page(request, result=result, asked=True,
                               status_code=200 if found else 404)


def _public_status_page(request: Request, status_code: int = 200, **ctx: Any) -> Response:
    wf = load_workflow()
    steps = [(_(wf.states[code].label), _(text)) for code, text in PUBLIC_STATUS_TEXT.items()
             if code in wf.states]
    return render(request, "cases/public_status.html",
                  {"result": None, "asked": False, "limited": False, "empty": False, "steps": steps,
                   "code_max": followup.INPUT_MAX, **ctx}, status_code=status_code)
