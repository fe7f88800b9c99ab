"""JSON API: yente-shaped watchlist matching and watchlist management.

``POST /api/v1/match`` (and ``/api/v1/match/{dataset}``) takes
``{"queries": {"q1": {"schema": "Person", "properties": {"name": [...], "birthDate": [...],
"gender": [...], "idNumber": [...], "passportNumber": [...], "phone": [...]}}}}`` with query
parameters ``threshold`` and ``limit``, and answers ``{"responses": {"q1": {"query": ...,
"results": [{"id", "caption", "schema", "properties", "score", "match", "features",
"explanation"}], "total": {"value": n}}}, "limit": ..., "threshold": ...}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from waspada.matching import store
from waspada.matching.records import PersonRecord, RecordError, record_from_mapping
from waspada.platform import audit
from waspada.platform.deps import get_db, require
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1", tags=["matching"])

MAX_QUERIES = 100
DATASETS = ("default", "watchlist", *store.LIST_KINDS)


class EntityQuery(BaseModel):
    schema_: str = Field("Person", alias="schema")
    properties: dict[str, list[str]] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery] = Field(
        examples=[{"q1": {"schema": "Person", "properties": {
            "name": ["Moch. Rizky bin Ahmad"], "birthDate": ["1991-05-17"]}}}])


def _first(props: dict[str, list[str]], *keys: str) -> str | None:
    for k in keys:
        vals = props.get(k) or []
        for v in vals:
            if isinstance(v, str) and v.strip():
                return v.strip()[:300]
    return None


def query_record(qid: str, q: EntityQuery) -> list[PersonRecord]:
    """One PersonRecord per name given (yente compares every name)."""
    if q.schema_ not in ("Person", "LegalEntity", "Thing"):
        raise HTTPException(422, f"query {qid}: only schema Person is supported")
    props = q.properties
    names = [n for n in props.get("name", []) if isinstance(n, str) and n.strip()][:5]
    if not names:
        raise HTTPException(422, f"query {qid}: properties.name is required")
    bd = _first(props, "birthDate")
    if bd and len(bd) > 10:
        bd = bd[:10]
    sex = _first(props, "gender", "sex")
    if sex:
        sex = {"male": "M", "female": "F"}.get(sex.lower(), sex)
    out = []
    for n in names:
        try:
            out.append(record_from_mapping({
                "record_id": qid, "full_name": n, "birth_date": bd, "sex": sex,
                "nik": _first(props, "idNumber", "nationalId"),
                "passport_no": _first(props, "passportNumber"),
                "phone": _first(props, "phone"),
                "birth_place": _first(props, "birthPlace")}))
        except RecordError as exc:
            raise HTTPException(422, f"query {qid}: {exc.reason}") from None
    return out


def _entity(e: store.WatchlistEntry | None, rid: str) -> dict[str, Any]:
    if e is None:
        return {"id": rid, "caption": rid, "schema": "Person", "properties": {}}
    props: dict[str, list[str]] = {"name": [e.full_name]}
    if e.birth_date:
        props["birthDate"] = [e.birth_date.isoformat()]
    if e.sex:
        props["gender"] = ["male" if e.sex == "M" else "female"]
    if e.nik:
        props["idNumber"] = [e.nik]
    if e.passport_no:
        props["passportNumber"] = [e.passport_no]
    props["topics"] = [e.list_kind]
    return {"id": e.record_id, "caption": e.full_name, "schema": "Person", "properties": props,
            "datasets": [e.list_kind], "reason": e.reason, "source": e.source,
            "expires_on": e.expires_on.isoformat() if e.expires_on else None}


def features_summary(explanation: dict) -> dict[str, float]:
    """Flat feature -> weight (yente's ``features``)."""
    out: dict[str, float] = {}
    for k, v in explanation.items():
        if isinstance(v, dict) and "weight" in v:
            out[k] = round(float(v["weight"]), 2)
    return out


def run_match(db: Session, body: MatchRequest, threshold: float, limit: int,
              dataset: str = "default") -> dict[str, Any]:
    if len(body.queries) > MAX_QUERIES:
        raise HTTPException(422, f"at most {MAX_QUERIES} queries per call")
    idx = store.watchlist_index(db)
    responses: dict[str, Any] = {}
    for qid, q in body.queries.items():
        best: dict[str, Any] = {}
        for rec in query_record(qid, q):
            for m in idx.search(rec, top=limit, threshold=min(threshold, 0.2)):
                if m.record_id not in best or best[m.record_id].score < m.score:
                    best[m.record_id] = m
        matches = sorted(best.values(), key=lambda m: (-m.score, m.record_id))
        entries = store.entry_details(db, [m.record_id for m in matches])
        results = []
        for m in matches:
            e = entries.get(m.record_id)
            if dataset not in ("default", "watchlist") and (e is None or e.list_kind != dataset):
                continue
            ent = _entity(e, m.record_id)
            ent.update({"score": round(m.score, 4), "match": m.score >= threshold,
                        "features": features_summary(m.explanation),
                        "explanation": m.explanation})
            results.append(ent)
            if len(results) >= limit:
                break
        responses[qid] = {"status": 200, "query": q.model_dump(by_alias=True),
                          "results": results, "total": {"value": len(results),
                                                        "relation": "eq"}}
    return {"responses": responses, "limit": limit, "threshold": threshold,
            "dataset": dataset}


@api_router.post("/match")
def match(body: MatchRequest, threshold: float = Query(0.7, ge=0.0, le=1.0),
          limit: int = Query(5, ge=1, le=50), db: Session = Depends(get_db),
          principal: Principal = Depends(require("watchlist.screen"))) -> dict[str, Any]:
    """Screen people against the watchlist (yente match API shape)."""
    out = run_match(db, body, threshold, limit)
    audit.record("watchlist.screen", principal, object_type="watchlist", via_api=True,
                 queries=len(body.queries),
                 results=sum(len(r["results"]) for r in out["responses"].values()), session=db)
    db.commit()
    return out


@api_router.post("/match/{dataset}")
def match_dataset(dataset: str, body: MatchRequest,
                  threshold: float = Query(0.7, ge=0.0, le=1.0),
                  limit: int = Query(5, ge=1, le=50), db: Session = Depends(get_db),
                  principal: Principal = Depends(require("watchlist.screen"))
                  ) -> dict[str, Any]:
    """As ``/match``, limited to one list kind (``pencegahan``, ``recruiter``, ...)."""
    if dataset not in DATASETS:
        raise HTTPException(404, f"unknown dataset; use one of {', '.join(DATASETS)}")
    out = run_match(db, body, threshold, limit, dataset)
    audit.record("watchlist.screen", principal, object_type="watchlist", dataset=dataset,
                 queries=len(body.queries),
                 results=sum(len(r["results"]) for r in out["responses"].values()), session=db)
    db.commit()
    return out


class EntryIn(BaseModel):
    record_id: str = Field(max_length=64)
    full_name: str = Field(max_length=300)
    birth_date: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    nik: str | None = None
    passport_no: str | None = None
    phone: str | None = None
    list_kind: str = "other"
    reason: str = Field(min_length=1, max_length=2000)
    source: str = Field(min_length=1, max_length=200)
    expires_on: date | None = None


class RemoveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@api_router.get("/watchlist")
def list_entries(limit: int = Query(100, ge=1, le=1000), db: Session = Depends(get_db),
                 principal: Principal = Depends(require("watchlist.manage"))
                 ) -> list[dict[str, Any]]:
    rows = store.active_entries(db, limit=limit)
    audit.record("watchlist.list", principal, object_type="watchlist", count=len(rows), session=db)
    db.commit()
    return [_entity(e, e.record_id) for e in rows]


@api_router.post("/watchlist", status_code=201)
def add_entry(body: EntryIn, db: Session = Depends(get_db),
              principal: Principal = Depends(require("watchlist.manage"))) -> dict[str, Any]:
    try:
        rec = record_from_mapping(body.model_dump(exclude={"list_kind", "reason", "source",
                                                           "expires_on"}))
        row = store.add_entry(db, rec, reason=body.reason, source=body.source,
                              list_kind=body.list_kind, expires_on=body.expires_on,
                              actor=principal.username)
    except (RecordError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    db.flush()  # assigns row.id for the audit entry
    audit.record("watchlist.add", principal, object_type="watchlist_entry", object_id=row.id,
                 list_kind=row.list_kind, session=db)
    db.commit()
    return _entity(row, row.record_id)


@api_router.delete("/watchlist/{record_id}")
def remove_entry(record_id: str, body: RemoveIn, db: Session = Depends(get_db),
                 principal: Principal = Depends(require("watchlist.manage"))
                 ) -> dict[str, Any]:
    row = store.remove_entry(db, record_id, reason=body.reason, actor=principal.username)
    if row is None:
        raise HTTPException(404, "no active entry with this id")
    audit.record("watchlist.remove", principal, object_type="watchlist_entry",
                 object_id=row.id, session=db)
    db.commit()
    return {"record_id": record_id, "active": False}
