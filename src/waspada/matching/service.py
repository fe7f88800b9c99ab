"""Every watchlist and duplicate-identity operation, written once for the API, pages and CLI.

Each function checks that the principal may act, reads or changes data through ``store``,
records the audit entry in the same transaction, and commits once (the interfaces never commit
and never write audit entries). A refusal is a :class:`WatchlistError` (a ``DomainError``):
the API answers it as JSON, pages show it next to the form, the CLI prints it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.matching import dedupejob, store, verdicts, work, yente, yente_explain
from waspada.matching.clusters import ClusterEvidence, evidence
from waspada.matching.index import Match, WatchlistIndex
from waspada.matching.records import (
    PersonRecord,
    RecordError,
    Rejection,
    record_from_mapping,
    records_from_bytes,
)
from waspada.matching.schemas import (
    BIRTH_DATE_HELP,
    PERSON_LIMITS,
    Algorithm,
    AlgorithmDocs,
    AlgorithmResponse,
    CatalogOut,
    DatasetOut,
    DecisionIn,
    DedupeIn,
    EntryIn,
    FeatureDoc,
    FeatureResult,
    ImportIn,
    MatchParams,
    MatchRequest,
    MatchResponse,
    MatchResult,
    QueryEcho,
    QueryResponse,
    RemoveIn,
    SearchIn,
    Total,
)
from waspada.network import service as network
from waspada.platform import audit, tallies
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.files import FileError, page_message
from waspada.platform.i18n import N_
from waspada.platform.jobs import service as jobs
from waspada.platform.jobs.store import Job
from waspada.platform.security.policy import Principal, allowed

log = logging.getLogger("waspada.matching")

DATASETS = ("default", "watchlist", *store.LIST_KINDS)
SEARCH_TOP = 10
SEARCH_THRESHOLD = 0.3
DEDUPE_MAX_RECORDS = 50_000
#: candidates scored per query variant before the filters and the ``limit`` cut
CANDIDATES = 300
DEDUPE_MAX_BYTES = IMPORT_MAX_BYTES = 10 * 1024 * 1024


class WatchlistError(DomainError):
    """A refused watchlist or dedupe operation."""


class FileNotImported(WatchlistError):
    """An uploaded or named person file cannot be read; the message names the line."""

    def __init__(self, error: FileError, message: str = N_("The file was not imported: {detail}")
                 ) -> None:
        self.file_error = error
        super().__init__("invalid_file", message, status=400, detail=str(error))

    def localized(self, gettext: Any) -> str:
        return gettext(self.message).format(detail=page_message(self.file_error))


def _require(principal: Principal, action: str) -> None:
    if not (principal.is_cli or allowed(principal, action)):
        raise WatchlistError("forbidden", N_("Your role is not allowed to do this."),
                             status=403)


# -- screening -------------------------------------------------------------------------------

def screen(db: Session, principal: Principal, body: MatchRequest, params: MatchParams,
           dataset: str = "default") -> MatchResponse:
    """Screen people against the watchlist (yente's match API); audited with the counts and
    the ids of the entries returned (``shown``: their row ids, never a name).

    Results score above ``min(cutoff, threshold)``; ``match`` is ``score >= threshold``;
    ``total`` counts the matches before the ``limit`` cut; every filter (dataset, include /
    exclude, topics, changed_since, excluded ids) is applied before that cut.
    """
    _require(principal, "watchlist.screen")
    yente.check_request(body, params, dataset, DATASETS)
    since = yente.since(params.changed_since)
    cutoff = min(params.cutoff, params.threshold)
    batch = [yente.parse_example(qid, query.schema_, dict(query.properties))
             for qid, query in body.queries.items()]
    yente.check_batch_cost(batch)  # before any search
    idx = store.watchlist_index(db)
    responses: dict[str, QueryResponse] = {}
    shown: set[str] = set()
    for (qid, query), parsed in zip(body.queries.items(), batch, strict=True):
        echo = QueryEcho(id=query.id, schema_=query.schema_, properties=parsed.echo)
        found = (yente.search_variants(idx, parsed, floor=max(cutoff, 1e-6), top=CANDIDATES)
                 if parsed.searchable else {})
        entries = store.entry_details(db, list(found))
        ranked = sorted(((s, rid, rec) for rid, (s, rec) in found.items()
                         if s > cutoff and yente.wanted(entries.get(rid), dataset, params, since)),
                        key=lambda x: (-x[0], x[1]))
        results: list[MatchResult] = []
        for score, rid, rec in ranked[:params.limit]:
            shown.add(work.shown_id(entries.get(rid), rid))
            ex = yente.explain(idx, parsed, rec, rid)
            expl = yente_explain.explanations(ex)
            results.append(MatchResult(
                **yente.entity_of(entries.get(rid), rid).model_dump(by_alias=False),
                score=round(score, 4), match=score >= params.threshold,
                explanations={k: FeatureResult(**v) for k, v in expl.items()},
                features=yente_explain.legacy_features(expl), explanation=ex))
        total = sum(1 for s, _, _ in ranked if s >= params.threshold)
        responses[qid] = QueryResponse(query=echo, results=results, total=Total(value=total),
                                       warnings=parsed.warnings,
                                       not_compared=parsed.not_compared)
    detail: dict[str, Any] = {"dataset": dataset} if dataset != "default" else {"via_api": True}
    audit.record("watchlist.screen", principal, object_type="watchlist",
                 queries=len(body.queries),
                 results=sum(len(r.results) for r in responses.values()),
                 shown=work.in_order(shown), session=db, **detail)
    db.commit()
    return MatchResponse(responses=responses, matcher=_matcher(), limit=params.limit,
                         threshold=params.threshold, dataset=dataset, algorithm=yente.ALGORITHM)


def _matcher() -> dict[str, FeatureDoc]:
    return {k: FeatureDoc(**v) for k, v in yente_explain.feature_docs().items()}


def algorithms(principal: Principal) -> AlgorithmResponse:
    """yente's ``/algorithms``: the one algorithm, its features and (no) configuration."""
    _require(principal, "watchlist.screen")
    features = _matcher()
    description = ("Explainable Fellegi-Sunter scorer for Indonesian person records: names "
                   "token by token (rare tokens weigh more), birth dates, NIK, passport, "
                   "phone, sex and place of birth; the weights of every feature are in bits.")
    algo = Algorithm(name=yente.ALGORITHM, description=description, features=features,
                     docs=AlgorithmDocs(name=yente.ALGORITHM, description=description,
                                        features=features))
    return AlgorithmResponse(algorithms=[algo], default=yente.ALGORITHM,
                             best=yente.ALGORITHM)


def catalog(db: Session, principal: Principal) -> CatalogOut:
    """yente's ``/catalog``: the datasets a query may be scoped to (counts, no entries)."""
    _require(principal, "watchlist.screen")
    version = "-".join(str(v) for v in store.watchlist_version(db))
    kinds = list(store.LIST_KINDS)
    datasets = [DatasetOut(name="default", title="All watchlist entries", version=version,
                           children=kinds),
                DatasetOut(name="watchlist", title="All watchlist entries (alias)",
                           version=version, children=kinds)]
    datasets += [DatasetOut(name=k, title=f"Watchlist: {k}", version=version) for k in kinds]
    return CatalogOut(datasets=datasets, current=[d.name for d in datasets])


@dataclass(frozen=True)
class Candidate:
    match: Match
    entry: store.WatchlistEntry | None


def search(db: Session, principal: Principal, data: SearchIn) -> list[Candidate]:
    """The search page's ranked candidates for one person."""
    _require(principal, "watchlist.screen")
    try:
        rec = record_from_mapping({"record_id": "query", **data.model_dump()})
    except RecordError as exc:
        col = str(exc.params.get("column"))
        msg = {"full_name": N_("Enter the full name."), "birth_date": BIRTH_DATE_HELP}.get(col)
        if msg is not None:  # the field's own message, shown next to it
            code = "name_required" if col == "full_name" else "invalid_query"
            raise WatchlistError(code, msg, problems={col: msg}) from None
        raise WatchlistError("invalid_query",
                             N_("Check the birth date (YYYY-MM-DD) and sex.")) from None
    matches = store.watchlist_index(db).search(rec, top=SEARCH_TOP, threshold=SEARCH_THRESHOLD)
    entries = store.entry_details(db, [m.record_id for m in matches])
    shown = {work.shown_id(entries.get(m.record_id), m.record_id) for m in matches}
    audit.record("watchlist.screen", principal, object_type="watchlist", via_page=True,
                 results=len(matches), shown=work.in_order(shown), session=db)
    db.commit()
    return [Candidate(m, entries.get(m.record_id)) for m in matches]


# -- management ------------------------------------------------------------------------------

def list_entries(db: Session, principal: Principal, limit: int) -> list[store.WatchlistEntry]:
    """Active entries, newest first (a read of personal data: audited with the count)."""
    _require(principal, "watchlist.manage")
    rows = store.active_entries(db, limit=max(1, limit))
    audit.record("watchlist.list", principal, object_type="watchlist", count=len(rows),
                 session=db)
    db.commit()
    return rows


def _check_limits(rec: PersonRecord, line: int | None = None) -> None:
    for column, limit in PERSON_LIMITS.items():
        value = getattr(rec, column)
        if isinstance(value, str) and len(value) > limit:
            raise RecordError(f"{column} is longer than {limit} characters", line,
                              code="field_too_long", column=column)


def add_entry(db: Session, principal: Principal, data: EntryIn) -> store.WatchlistEntry:
    """Add one entry (or reactivate and replace the entry with this id)."""
    _require(principal, "watchlist.manage")
    try:
        rec = record_from_mapping(data.person())
        _check_limits(rec)
    except RecordError as exc:
        column = str(exc.params.get("column", "record_id"))
        raise WatchlistError("invalid_entry",
                             N_("Check the entry: id, name, dates (YYYY-MM-DD), sex."),
                             status=422, problems={column: exc.reason}) from None
    row = store.add_entry(db, rec, reason=data.reason, source=data.source,
                          list_kind=data.list_kind, expires_on=data.expires_on,
                          actor=principal.username)
    db.flush()  # assigns row.id for the audit entry
    network.source_changed(db, "watchlist", row.id)
    audit.record("watchlist.add", principal, object_type="watchlist_entry", object_id=row.id,
                 list_kind=row.list_kind, session=db)
    db.commit()
    return row


def read_import_file(data: bytes, *, source: str, max_bytes: int) -> list[PersonRecord]:
    """Parse an uploaded person CSV; :class:`FileNotImported` names the bad line."""
    try:
        return records_from_bytes(data, source=source, max_bytes=max_bytes)
    except FileError as exc:
        raise FileNotImported(exc) from None


def _check_all(records: Sequence[PersonRecord]) -> None:
    try:
        for line, rec in enumerate(records, 2):  # line 1 is the header
            _check_limits(rec, line)
    except RecordError as exc:
        raise FileNotImported(exc) from None


def import_entries(db: Session, principal: Principal, records: Sequence[PersonRecord],
                   listing: ImportIn, *, commit: bool = True) -> int:
    """Add every record with the same listing: all rows or none, one audit entry (the
    import job passes ``commit=False``: its worker commits with the job's end)."""
    _require(principal, "watchlist.manage")
    _check_all(records)
    rows = [store.add_entry(db, rec, reason=listing.reason, source=listing.source,
                            list_kind=listing.list_kind, expires_on=listing.expires_on,
                            actor=principal.username) for rec in records]
    db.flush()
    for row in rows:
        network.source_changed(db, "watchlist", row.id)
    audit.record("watchlist.import", principal, object_type="watchlist", count=len(records),
                 list_kind=listing.list_kind, session=db)
    if commit:
        db.commit()
    return len(records)


def start_import(db: Session, principal: Principal, filename: str, data: bytes,
                 listing: ImportIn) -> Job:
    """Check the uploaded file (every line, the limits) and start the import as a background
    job (``matching/importjob.py``); a bad file is refused here, naming its line."""
    _require(principal, "watchlist.manage")
    records = read_import_file(data, source=listing.source, max_bytes=IMPORT_MAX_BYTES)
    _check_all(records)
    return jobs.submit(db, principal, "watchlist.import", data=data, filename=filename,
                       params=listing.model_dump(mode="json"), total=len(records))


def remove_entry(db: Session, principal: Principal, record_id: str, data: RemoveIn
                 ) -> store.WatchlistEntry:
    """Deactivate an entry; the row and its history stay for the audit."""
    _require(principal, "watchlist.manage")
    row = store.remove_entry(db, record_id, reason=data.reason, actor=principal.username)
    if row is None:
        raise WatchlistError("not_found", N_("No active watchlist entry has this id."),
                             status=404)
    db.flush()
    network.source_changed(db, "watchlist", row.id)  # an inactive entry links nothing
    audit.record("watchlist.remove", principal, object_type="watchlist_entry",
                 object_id=row.id, session=db)
    db.commit()
    return row


# -- duplicate identities (runs saved from the page) ------------------------------------------

def recent_runs(db: Session, limit: int = 50) -> list[store.DedupeRun]:
    """Run headers (dates, counts; no personal data)."""
    return list(db.scalars(select(store.DedupeRun).order_by(store.DedupeRun.id.desc())
                           .limit(limit)))


def database_records(db: Session) -> list[PersonRecord]:
    return store.person_records(db, limit=DEDUPE_MAX_RECORDS)


def start_dedupe(db: Session, principal: Principal, options: DedupeIn, upload: bytes
                 ) -> Job:
    """Check the input (the uploaded CSV, or the person records in the database) and start
    the dedupe as a background job (``matching/dedupejob.py``). A file that cannot be read
    is refused here, naming the line and the cause."""
    _require(principal, "dedupe.run")
    # a file that cannot be read is refused before a job exists; bad values are not (below)
    dedupe_input(db, options.origin, upload, rejects=[])
    return jobs.submit(db, principal, "matching.dedupe", data=upload,
                       filename="upload.csv" if options.origin == "upload" else "",
                       params={"origin": options.origin, "threshold": options.threshold},
                       total=len(dedupejob.DEDUPE_STEPS))


def dedupe_input(db: Session, origin: str, upload: bytes,
                 rejects: list[Rejection] | None = None) -> list[PersonRecord]:
    """The records a dedupe works on, checked (limits, count); refusals name the cause.

    With ``rejects`` an uploaded file is read tolerantly, as ``identity dedupe`` reads it
    (issue #13 item 4): a bad value (an impossible date, an unknown sex) is read as missing
    and a record without id or name is skipped, each noted there; structural problems
    (columns, quoting, field count, duplicate ids) still refuse the file with their line.
    Before walk21 one nameless record refused a whole registry extract on the page."""
    if origin == "database":
        records = database_records(db)
    else:
        if not upload:
            raise WatchlistError("no_file", N_("Choose a CSV file."),
                                 problems={"file": N_("Choose a CSV file.")})
        if len(upload) > DEDUPE_MAX_BYTES:
            raise WatchlistError("too_large", N_("The file is too large: at most {mb} MB."),
                                 mb=DEDUPE_MAX_BYTES // (1024 * 1024))
        try:
            records = records_from_bytes(upload, source="upload", max_bytes=DEDUPE_MAX_BYTES,
                                         rejects=rejects)
        except FileError as exc:
            raise FileNotImported(exc, N_("The file was not read: {detail}")) from None
    if len(records) < 2:
        raise WatchlistError("too_few_records", N_("At least two records are needed."))
    if len(records) > DEDUPE_MAX_RECORDS:
        raise WatchlistError("too_many_records",
                             N_("Too many records for the page ({n}, at most {max}); use the "
                                "command line."), n=len(records), max=DEDUPE_MAX_RECORDS)
    try:
        for line, rec in enumerate(records, 2):
            _check_limits(rec, line)
    except RecordError as exc:
        raise FileNotImported(exc, N_("The file was not read: {detail}")) from None
    return records


def save_dedupe_run(db: Session, principal: Principal, records: list[PersonRecord],
                    clusters: list[tuple[str, str]], *, origin: str, threshold: float,
                    review: Sequence[tuple[str, str, float]] = ()) -> store.DedupeRun:
    """Keep a finished run's clusters and its review queue (``review``: uncertain pairs it
    left apart) with the audit entry, in the transaction that finishes its job: the jobs
    worker commits it."""
    _require(principal, "dedupe.run")
    run = store.save_run(db, actor=principal.username, origin=origin, threshold=threshold,
                         records=records, clusters=clusters, review=review)
    db.flush()
    audit.record("dedupe.run", principal, object_type="dedupe_run", object_id=run.id,
                 origin=origin, records=len(records), clusters=run.n_clusters,
                 review_pairs=len(review), session=db)
    return run


@dataclass(frozen=True)
class RunReview:
    run: store.DedupeRun
    clusters: list[store.DedupeCluster]
    members: dict[int, list[store.DedupeMember]]
    #: cluster id -> its weakest pair's score and what agrees (``matching/clusters.py``)
    evidence: dict[int, ClusterEvidence] = field(default_factory=dict)
    #: the review queue: uncertain pairs the run left apart (decided like clusters)
    queue: list[store.DedupeCluster] = field(default_factory=list)
    review_low: float = dedupejob.REVIEW_LOW  # the queue holds pairs from here to threshold


def review_run(db: Session, principal: Principal, run_id: int) -> RunReview:
    """A run's clusters and their members (a read of personal data: audited)."""
    _require(principal, "dedupe.review")
    run = db.get(store.DedupeRun, run_id)
    if run is None:
        raise WatchlistError("not_found", N_("The page or record you asked for does not exist."),
                             status=404)
    clusters, members = store.run_clusters(db, run_id)
    audit.record("dedupe.review.read", principal, object_type="dedupe_run", object_id=run_id,
                 clusters=len(clusters), session=db)
    db.commit()
    queue = [c for c in clusters if c.review_probability is not None]
    clusters = [c for c in clusters if c.review_probability is None]
    found = {cid: evidence([m.record for m in ms]) for cid, ms in members.items()}
    return RunReview(run, clusters, members, found, queue)


def _shown_score(db: Session, cluster: store.DedupeCluster) -> float:
    """The score the review page shows beside ``cluster`` (kept with the decision)."""
    if cluster.review_probability is not None:
        return cluster.review_probability
    return evidence([m.record for m in store.cluster_members(db, cluster.id)]).score


def decide_cluster(db: Session, principal: Principal, cluster_id: int, data: DecisionIn
                   ) -> store.DedupeCluster:
    """Confirm or split a cluster."""
    _require(principal, "dedupe.review")
    cluster = db.get(store.DedupeCluster, cluster_id)
    if cluster is None:
        raise WatchlistError("not_found", N_("The page or record you asked for does not exist."),
                             status=404)
    if data.decision not in verdicts.DECISIONS:
        raise WatchlistError("bad_decision", N_("The request is not valid."))
    cluster.status = data.decision
    cluster.decided_by = principal.username
    cluster.decided_at = utcnow()
    cluster.decided_score = _shown_score(db, cluster)
    audit.record("dedupe.review", principal, object_type="dedupe_cluster", object_id=cluster.id,
                 run_id=cluster.run_id, decision=data.decision, size=cluster.size, session=db)
    db.commit()
    return cluster


def dedupe_verdicts(db: Session, principal: Principal, since: date | None = None
                    ) -> verdicts.DedupeVerdicts:
    """Analysts' decisions (made on or after the day ``since`` began in Asia/Jakarta) by the
    score the review page showed (``matching/verdicts.py``); counts only, not audited."""
    _require(principal, "dedupe.review")
    return verdicts.tally(store.decided_results(db, tallies.since_start(since)))


# -- reads used by other capabilities ---------------------------------------------------------
# (screening screens each traveller against the watchlist; it audits its own assessment)

def watchlist_index(db: Session) -> WatchlistIndex:
    """The process-wide index over active entries (see :func:`store.watchlist_index`)."""
    return store.watchlist_index(db)


def entry_details(db: Session, record_ids: list[str]) -> dict[str, store.WatchlistEntry]:
    """Entries by record id (for showing the candidates a search found)."""
    return store.entry_details(db, record_ids)


@dataclass(frozen=True)
class WatchlistCandidate:
    """An active watchlist entry that resembles a query, with the engine's explanation."""

    entry_id: str
    full_name: str
    list_kind: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


def watchlist_candidates(db: Session, record: PersonRecord, *, top: int = 5,
                         threshold: float = 0.5) -> list[WatchlistCandidate]:
    """The best ``top`` active entries scoring at least ``threshold`` against ``record``."""
    matches = store.watchlist_index(db).search(record, top=top, threshold=threshold)
    details = store.entry_details(db, [m.record_id for m in matches])
    return [WatchlistCandidate(entry_id=m.record_id, full_name=details[m.record_id].full_name,
                               list_kind=details[m.record_id].list_kind, score=m.score,
                               explanation=dict(m.explanation))
            for m in matches if m.record_id in details]
