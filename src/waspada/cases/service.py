"""The cases service layer: ONE function per operation, shared by the API, the pages and the CLI.

Every function here

1. checks access: the policy action (``_permit``) and the unit scope (``store.get_case`` answers
   404 for a case the principal's unit does not reach, so its existence is not revealed);
2. changes data through :mod:`waspada.cases.store` (which never commits);
3. records the audit entry with ``session=db`` — in the same transaction as the change;
4. commits once, here (the store and the interfaces never commit).

A refusal is a :class:`~waspada.cases.errors.CaseError` (a ``DomainError``); nothing is
committed then, and ``get_db`` / ``operator_session`` roll the session back. The interfaces only
parse input into a model from :mod:`waspada.cases.schemas`, call one function and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from waspada.cases import pdf, printed, store
from waspada.cases.errors import CaseError
from waspada.cases.errors import permit as _permit
from waspada.cases.htcds_export import ExportFile as ExportFile
from waspada.cases.htcds_export import export as export
from waspada.cases.htcds_export import export_file as export_file
from waspada.cases.htcds_export import export_filters as export_filters
from waspada.cases.htcds_export import start_export as start_export
from waspada.cases.htcds_values import ORG_SOURCES
from waspada.cases.models import Case, CaseAttachment, Organisation, Person
from waspada.cases.schemas import (
    AssessmentIn,
    CaseIn,
    CommentIn,
    CommentOut,
    ConsentIn,
    EventIn,
    HtcdsDetailsIn,
    HtcdsDetailsOut,
    ItemOut,
    MergeIn,
    OrganisationIn,
    PersonIn,
    PersonProfileIn,
    ReferralAnswer,
    ReferralIn,
    SupportPlanIn,
    TaskIn,
    TransitionIn,
)
from waspada.cases.store import CaseFilters, PublicReport, person_query_kind
from waspada.cases.workflow import load_workflow
from waspada.network import service as network
from waspada.platform import audit, capabilities
from waspada.platform.db import utcnow
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import Principal


def _written(db: Session, principal: Principal, action: str, case: Case, item: Any,
             **detail: Any) -> ItemOut:
    """Audit a write on ``case`` in the same transaction, commit once, answer the item."""
    db.flush()  # assigns the new item's id for the audit entry
    item_id = getattr(item, "id", None)
    audit.record(action, principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, item_id=item_id, **detail, session=db)
    db.commit()
    return ItemOut(id=item_id, case_id=case.id, status=case.status)


# -- the worked example: add a comment to a case ----------------------------------------------

def add_comment(db: Session, principal: Principal, case_id: int, data: CommentIn) -> CommentOut:
    """Add a comment to a case. Page, API and CLI all come here (see docs/cases.md)."""
    _permit(principal, "cases.comment")
    case = store.get_case(db, principal, case_id)  # 404 when the unit does not reach it
    comment = store.add_comment(db, principal, case, data.body)
    audit.record("case.comment", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, item_id=comment.id, session=db)
    db.commit()
    return CommentOut(id=comment.id, case_id=case.id, status=case.status)


# -- reading ----------------------------------------------------------------------------------

def list_cases(db: Session, principal: Principal, filters: CaseFilters, page: int = 1, *,
               per_page: int | None = None, ip: str | None = None, order: str = "newest"
               ) -> tuple[list[dict[str, Any]], bool]:
    """One page of the visible cases; ``order``: ``newest`` (the API's) or ``work`` (the
    page's: open cases first, the most recently updated first)."""
    _permit(principal, "cases.read")
    rows, more = store.list_cases(db, principal, filters, page, per_page=per_page, order=order)
    # a search for a person is audited with what it looked for (the kind), never the value
    searched: dict[str, Any] = ({"person_search": person_query_kind(filters.person)}
                if filters.person and filters.person.strip() else {})
    audit.record("case.list", principal, object_type="case", count=len(rows), page=page, ip=ip,
                 session=db, **searched)
    db.commit()
    return rows, more


def view_case(db: Session, principal: Principal, case_id: int, *, ip: str | None = None
              ) -> dict[str, Any]:
    """The case as the principal may see it (field groups removed); the view is audited."""
    _permit(principal, "cases.read")
    case = store.get_case(db, principal, case_id)
    data = store.view_case(db, principal, case)
    audit.record("case.view", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, ip=ip, session=db)
    db.commit()
    return data


def find_case_id(db: Session, principal: Principal, reference: str) -> int:
    """The id of the visible case with this reference (404 otherwise)."""
    rows, _more = store.list_cases(db, principal, CaseFilters(reference=reference), per_page=1)
    if not rows:
        raise CaseError("not_found", "no such case", 404)
    return int(rows[0]["id"])


def case_duplicates(db: Session, principal: Principal, case_id: int) -> list[dict[str, Any]]:
    _permit(principal, "cases.read")
    case = store.get_case(db, principal, case_id)
    data: list[dict[str, Any]] = store.case_dict(db, case)["duplicates"]
    audit.record("case.duplicates", principal, object_type="case", object_id=case.id,
                 count=len(data), session=db)
    db.commit()
    return data


def stats(db: Session, principal: Principal, k: int | None = None) -> dict[str, Any]:
    _permit(principal, "cases.stats")
    data = store.stats(db, principal, k)
    audit.record("case.stats", principal, object_type="case", total=data["total"], session=db)
    db.commit()
    return data


def subject_export(db: Session, principal: Principal, person_id: int, *,
                   ip: str | None = None) -> dict[str, Any]:
    """Everything held about one person and who accessed it (UU 27/2022)."""
    _permit(principal, "cases.subject_export")
    person = db.get(Person, person_id)
    if person is None or not store.may_see(db, principal, person.case_id):
        raise CaseError("not_found", "no such person", 404)
    data = store.subject_export(db, person_id)
    data["other_records"] = {name: holder.subject_export(db, person_id, person.case_id)
                             for name, holder in capabilities.personal_data_holders()}
    audit.record("case.subject_export", principal, object_type="case_person",
                 object_id=person_id, case_id=person.case_id, ip=ip, session=db)
    db.commit()
    return data


def list_organisations(db: Session) -> list[Organisation]:
    orgs = store.list_organisations(db)
    db.commit()  # the first call adds the built-in organisations
    return orgs


# -- intake -----------------------------------------------------------------------------------

def create_case(db: Session, principal: Principal, data: CaseIn, *, ip: str | None = None
                ) -> dict[str, Any]:
    """Officer intake: the case belongs to the officer's unit; victims are checked for
    duplicates. Returns the case as the officer sees it."""
    _permit(principal, "cases.create")
    if principal.unit_id is None:
        raise CaseError("no_unit", "the CLI cannot own cases here", 409)
    case = store.create_case(db, principal, data.model_dump(), owner_unit_id=principal.unit_id,
                             source=data.source)
    db.flush()
    network.source_changed(db, "case", case.id)
    detail = store.view_case(db, principal, case)
    audit.record("case.create", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, persons=len(data.persons),
                 duplicates=len(detail["duplicates"]), ip=ip, session=db)
    db.commit()
    return detail


def refuse_public_report(reason: str, ip: str) -> None:
    """A refused public report (rate limit, size, honeypot) leaves an audit entry, no data."""
    audit.record("case.public_report", None, outcome="refused", ip=ip, reason=reason)


def create_public_case(db: Session, report: PublicReport, *, ip: str) -> str:
    """A case from the public form; returns the follow-up code (shown once, stored hashed)."""
    case, code = store.create_public_case(db, report)
    db.flush()
    network.source_changed(db, "case", case.id)
    audit.record("case.public_report", None, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, ip=ip, session=db)
    db.commit()
    return code


def public_status(db: Session, code: str, *, ip: str) -> tuple[str, datetime] | None:
    found = store.public_status(db, code)
    audit.record("case.public_status", None, outcome="ok" if found else "not_found", ip=ip,
                 session=db)
    db.commit()
    return found


# -- writes on one case -----------------------------------------------------------------------

#: the value a closing step carries when the officer confirms closing with referrals pending
CONFIRM_PENDING = "confirm_pending_referrals"


def transition(db: Session, principal: Principal, case_id: int, data: TransitionIn) -> ItemOut:
    """A workflow step. Closing a case (any final state) while a referral still waits for its
    answer needs the officer's confirmation (``values[CONFIRM_PENDING] == "1"``); the audit
    entry records how many referrals were pending."""
    _permit(principal, "cases.transition")
    case = store.get_case(db, principal, case_id)
    values = dict(data.values)
    confirmed = values.pop(CONFIRM_PENDING, "") == "1"
    step_spec = load_workflow().transitions.get(data.transition)
    closing = step_spec is not None and step_spec.target in store.TERMINAL
    pending = store.pending_referrals(db, case) if closing else 0
    if pending and not confirmed:
        raise CaseError("pending_referrals", "{n} referral(s) still wait for an answer; "
                        "confirm to close anyway", 409, {CONFIRM_PENDING: "confirm"}, n=pending)
    step = store.apply_transition(db, principal, case, data.transition, dict[str, object](values))
    extra = {"pending_referrals": pending} if pending else {}
    return _written(db, principal, "case.transition", case, step, transition=data.transition,
                    **extra)


def add_task(db: Session, principal: Principal, case_id: int, data: TaskIn) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    task = store.add_task(db, principal, case, data.title, data.due_on)
    return _written(db, principal, "case.task", case, task)


def complete_task(db: Session, principal: Principal, case_id: int, task_id: int) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    task = store.complete_task(db, case, task_id)
    return _written(db, principal, "case.task_done", case, task)


def add_person(db: Session, principal: Principal, case_id: int, data: PersonIn) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    person = store.add_person(db, case, data.model_dump())
    db.flush()
    network.source_changed(db, "case", case.id)
    return _written(db, principal, "case.person", case, person, role=data.role)


def update_htcds(db: Session, principal: Principal, case_id: int, data: HtcdsDetailsIn
                 ) -> HtcdsDetailsOut:
    """Change the case's HTCDS details (case worker, victim context, incoming referral)."""
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    changed = store.update_details(case, data.model_dump(exclude_unset=True))
    out = _written(db, principal, "case.htcds_update", case, None, fields=changed)
    return HtcdsDetailsOut(id=None, case_id=out.case_id, status=out.status, changed=changed)


def update_person_profile(db: Session, principal: Principal, case_id: int, person_id: int,
                          data: PersonProfileIn) -> HtcdsDetailsOut:
    """Change a person's HTCDS details (salutation, title, home phone, mailing address, marital
    status, children, languages, education, deceased)."""
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    person = db.get(Person, person_id)
    if person is None:
        raise CaseError("not_found", "no such person", 404)
    values = data.model_dump(exclude={"person_id", "person_title"})
    changed = store.update_person_details(case, person, {**values, "title": data.person_title})
    db.flush()
    if changed:
        network.source_changed(db, "case", case.id)
    out = _written(db, principal, "case.person_update", case, person, fields=changed)
    return HtcdsDetailsOut(id=out.id, case_id=out.case_id, status=out.status, changed=changed)


def add_event(db: Session, principal: Principal, case_id: int, data: EventIn) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    event = store.add_event(db, case, data.model_dump())
    return _written(db, principal, "case.event", case, event, type=data.type)


def record_consent(db: Session, principal: Principal, case_id: int, data: ConsentIn) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    consent = store.record_consent(db, principal, case, data.person_id, data.scope, data.given,
                                   data.method)
    return _written(db, principal, "case.consent", case, consent, scope=data.scope,
                    given=data.given)


def add_support_plan(db: Session, principal: Principal, case_id: int, data: SupportPlanIn
                     ) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    plan = store.add_support_plan(db, case, data.model_dump())
    return _written(db, principal, "case.support_plan", case, plan)


def add_assessment(db: Session, principal: Principal, case_id: int, data: AssessmentIn
                   ) -> ItemOut:
    _permit(principal, "cases.update")
    case = store.get_case(db, principal, case_id)
    item = store.add_assessment(db, principal, case, data.model_dump())
    return _written(db, principal, "case.assessment", case, item)


def refer(db: Session, principal: Principal, case_id: int, data: ReferralIn) -> ItemOut:
    """Refer (services) or transfer (ownership): needs the victim's recorded consent to
    referral, or an override reason from a role allowed to override."""
    _permit(principal, "cases.refer")
    case = store.get_case(db, principal, case_id)
    referral = store.create_referral(db, principal, case, data.organisation, kind=data.kind,
                                     reason=data.reason, details=data.details,
                                     override_reason=data.override_reason)
    return _written(db, principal, "case.referral", case, referral,
                    organisation=data.organisation, kind=data.kind,
                    consent_override=bool(data.override_reason))


def answer_referral(db: Session, principal: Principal, referral_id: int, data: ReferralAnswer
                    ) -> tuple[int, int, str]:
    """The receiving unit accepts or declines; returns (referral id, case id, status)."""
    _permit(principal, "cases.referral_respond")
    referral = store.respond_referral(db, principal, referral_id, data.accept, data.note)
    audit.record("case.referral_answer", principal, object_type="case",
                 object_id=referral.case_id, referral_id=referral.id, status=referral.status,
                 session=db)
    db.commit()
    return referral.id, referral.case_id, referral.status


def merge(db: Session, principal: Principal, case_id: int, data: MergeIn) -> ItemOut:
    """Merge ``data.duplicate_case_id`` into case ``case_id`` (both must be visible)."""
    _permit(principal, "cases.merge")
    other = store.get_case(db, principal, data.duplicate_case_id)
    case = store.get_case(db, principal, case_id)
    record = store.merge_cases(db, principal, case, other, data.reason)
    db.flush()
    for changed in (case.id, other.id):
        network.source_changed(db, "case", changed)
    return _written(db, principal, "case.merge", case, record, merged_case_id=other.id)


def undo_merge(db: Session, principal: Principal, merge_id: int) -> tuple[int, int,
                                                                           datetime | None]:
    """Returns (merge id, survivor case id, undone at)."""
    _permit(principal, "cases.merge")
    record = store.undo_merge(db, principal, merge_id)
    db.flush()
    for changed in (record.survivor_id, record.merged_id):
        network.source_changed(db, "case", changed)
    audit.record("case.unmerge", principal, object_type="case", object_id=record.merged_id,
                 merge_id=record.id, survivor_id=record.survivor_id, session=db)
    db.commit()
    return record.id, record.survivor_id, record.undone_at


def upload_attachment(db: Session, principal: Principal, case_id: int, filename: str | None,
                      data: bytes) -> ItemOut:
    _permit(principal, "cases.attachments")
    case = store.get_case(db, principal, case_id)
    item = store.save_attachment(db, principal, case, filename, data)
    return _written(db, principal, "case.attachment", case, item, size=len(data))


def download_attachment(db: Session, principal: Principal, case_id: int, attachment_id: int,
                        *, ip: str | None = None) -> tuple[CaseAttachment, Path]:
    _permit(principal, "cases.attachments")
    case = store.get_case(db, principal, case_id)
    item, path = store.get_attachment(db, case, attachment_id)
    audit.record("case.attachment_download", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, attachment_id=item.id, ip=ip, session=db)
    db.commit()
    return item, path


# -- administration ---------------------------------------------------------------------------

def add_organisation(db: Session, principal: Principal, data: OrganisationIn) -> Organisation:
    _permit(principal, "cases.organisations")
    store.sync_organisations(db)
    org = store.add_organisation(db, data.code, data.name, data.name_en, data.org_type,
                                 data.country, data.unit,
                                 data.model_dump(include=set(ORG_SOURCES)))
    audit.record("case_org.create", principal, object_type="case_organisation",
                 object_id=org.id, code=org.code, session=db)
    db.commit()
    return org


def run_retention(db: Session, principal: Principal, older_than_days: int | None = None
                  ) -> list[int]:
    """Anonymise closed cases past the retention period; one audit entry for the run."""
    _permit(principal, "cases.retention")
    done = store.anonymise_expired(db, older_than_days)
    db.flush()
    for _name, holder in capabilities.personal_data_holders():  # exchange payloads, consents
        holder.erase_cases(db, done)
    for changed in done:
        network.source_changed(db, "case", changed)
    audit.record("case.anonymise", principal, object_type="case", count=len(done), session=db)
    db.commit()
    return done



# -- printed documents (issue #16): case summary and referral letter ---------------------------

@dataclass(frozen=True)
class Printed:
    """A printed document: the PDF and its file name."""

    content: bytes
    filename: str


def _printer(db: Session, principal: Principal, case: Case) -> tuple[User | None, Unit | None]:
    """Who prints and on behalf of which unit (the officer's own unit, else the case's)."""
    user = db.get(User, principal.user_id) if principal.user_id else None
    unit = db.get(Unit, principal.unit_id or case.owner_unit_id)
    return user, unit


def _printed(db: Session, principal: Principal, case: Case, doc: dict[str, Any],
             content: bytes, document: str, ip: str | None) -> Printed:
    audit.record("case.print", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, document=document, document_no=doc["document_no"],
                 verification_code=doc["verification_code"], ip=ip, session=db)
    db.commit()
    return Printed(content, doc["document_no"].replace("/", "-") + ".pdf")


def case_summary_pdf(db: Session, principal: Principal, case_id: int, *,
                     ip: str | None = None) -> Printed:
    """The case summary as the principal may see it, printed (audited with its code)."""
    _permit(principal, "cases.read")
    case = store.get_case(db, principal, case_id)
    user, unit = _printer(db, principal, case)
    org_names = {o.code: o.name for o in store.list_organisations(db)}
    doc = printed.summary_for_pdf(store.view_case(db, principal, case), user, unit, utcnow(),
                                  org_names)
    return _printed(db, principal, case, doc, pdf.render_summary(doc), "summary", ip)


def referral_letter_pdf(db: Session, principal: Principal, case_id: int, referral_id: int, *,
                        ip: str | None = None) -> Printed:
    """The letter of one of the case's referrals (audited with its code)."""
    _permit(principal, "cases.refer")
    case = store.get_case(db, principal, case_id)
    data = store.view_case(db, principal, case)
    referral = next((r for r in data["referrals"] if r["id"] == referral_id), None)
    if referral is None:
        raise CaseError("not_found", "no such referral", 404)
    user, unit = _printer(db, principal, case)
    doc = printed.referral_for_pdf(data, referral, user, unit, utcnow())
    return _printed(db, principal, case, doc, pdf.render_referral(doc), "referral_letter", ip)
