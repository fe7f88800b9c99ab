"""The bulk offer scan as a background job (``platform/jobs``): every record of the uploaded
CSV / JSON Lines file is analysed with progress; the results (every record, the contacts that
recur in two posts or more, the lines that could not be read) are kept as paged rows and the
scan is saved to ``offer_scans`` with its audit entry when the job finishes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from waspada.offers import bulk
from waspada.platform.db import session_factory
from waspada.platform.i18n import N_
from waspada.platform.jobs.kinds import Column, JobContext, JobKind, Outcome, Section
from waspada.platform.labels import label

LEVELS = {"low": N_("low risk"), "medium": N_("medium risk"), "high": N_("high risk")}
CONTACT_LABELS = {"phones": N_("Phone number"), "whatsapp": N_("WhatsApp number"),
                  "telegram": N_("Telegram account"), "emails": N_("E-mail address"),
                  "domains": N_("Web domain")}
#: a contact is "recurring" when it appears in at least this many posts
RECURRING_MIN = 2


def _indicator_words(value: str, lang: str) -> str:
    """The results' indicators column: a stored indicator code -> its title in the reader's
    language, so a scan started in Indonesian reads in English to an English reader and the
    reverse. A job stored before round 25 holds the titles in its starter's language: a title
    reads in the reader's language as well (``offer_indicator``); other text as it is."""
    return label("offer_indicator", value, lang)


def _row(result: dict[str, Any]) -> dict[str, Any]:
    contacts = [bulk.contact_value(v) for kind in bulk.CONTACT_KINDS
                for v in (result["entities"].get(kind) or [])]
    return {"id": result["id"], "score": result["score"], "level": result["level"],
            # codes: the page and the downloads name them in the reader's language
            "indicators": [i["code"] for i in result["indicators"]],
            "contacts": [c for c in contacts if c]}


def _run(ctx: JobContext) -> Outcome:
    from waspada.offers import service  # the engine loads only in the worker

    with session_factory()() as db:
        agencies = service.agency_names(db)
    scanned = service.scan_records(agencies, ctx.filename, ctx.data, ctx.params,
                                   progress=ctx.progress)
    recurring = [{**c, "ids": [str(i) for i in c["ids"][:50]]}
                 for c in bulk.aggregate_contacts(scanned.results, min_count=RECURRING_MIN)]
    high = sum(r["level"] == "high" for r in scanned.results)

    def save(db: Session) -> dict[str, Any]:
        scan = service.save_scan(db, ctx.principal, ctx.filename, scanned)
        return {"scan_id": scan.id}

    return Outcome(
        summary={"records": len(scanned.results), "high": high,
                 "skipped": len(scanned.problems), "recurring": len(recurring),
                 "lines": [[N_("%(n)s records analysed, %(high)s at high risk, %(skipped)s "
                               "lines skipped."),
                            {"n": len(scanned.results), "high": high,
                             "skipped": len(scanned.problems)}],
                           [N_("%(n)s contacts appear in two posts or more."),
                            {"n": len(recurring)}],
                           *([[N_("%(n)s record(s) hold line breaks inside a quoted field "
                                  "(lines %(lines)s); check that no closing quotation mark "
                                  "is missing."),
                               {"n": len(scanned.multiline),
                                "lines": ", ".join(f"{a}–{b}" for a, b in
                                                   scanned.multiline[:20])}]]
                             if scanned.multiline else [])]},
        rows={"results": [_row(r) for r in scanned.results], "recurring": recurring,
              "problems": scanned.problems},
        save=save)


SCAN = JobKind(
    name="offers.scan", title=N_("Bulk offer scan"), view_action="offers.scan", run=_run,
    start_page="/offers/scan",
    sections=(
        Section("results", N_("Results"), (
            Column("id", N_("Record")), Column("score", N_("Score")),
            Column("level", N_("Level"), LEVELS),
            Column("indicators", N_("Indicators"), _indicator_words),
            Column("contacts", N_("Contacts")))),
        Section("recurring", N_("Recurring contacts"), (
            Column("kind", N_("Kind"), CONTACT_LABELS), Column("value", N_("Contact")),
            Column("count", N_("Posts")), Column("max_level", N_("Highest level"), LEVELS),
            Column("ids", N_("Records"))),
            note=N_("Phone numbers, chat accounts, e-mail addresses and web domains that "
                    "appear in two posts or more, most frequent first.")),
        Section("problems", N_("Lines not scanned"), (
            Column("line", N_("Line")), Column("reason", N_("Reason")))),
    ))
