"""What makes ``POST /api/v1/match`` a drop-in for clients of OpenSanctions' yente.

yente's request and response models (``yente/data/common.py``, ``yente/routers/match.py`` and
nomenklatura's ``matching/types.py``, read at yente 916a474) are followed field by field:

* a query example is ``{"id"?, "schema", "properties"}`` where a property value may be a string
  or a list; names come from ``name``, ``alias``, ``previousName`` and ``firstName`` /
  ``middleName`` / ``fatherName`` / ``lastName``; every ``birthDate`` (also partial: ``1975``,
  ``1975-04``), ``idNumber``, ``nationalId``, ``passportNumber`` and ``phone`` is used, up
  to the caps below (5 names, 3 full dates, 3 NIKs, 3 document numbers, one phone; a value
  beyond a cap is named in ``warnings`` and not echoed), in at most 20 query variants of
  which every given value is part;
* a schema that is not a person (``Company``, ``Organization``...) is answered with no results
  instead of failing the batch; an unknown schema fails it (400, as yente);
* values that cannot be read (an impossible date, ``gender: other``) are left out of the
  parsed query that is echoed back — yente's way of telling a client what it understood — and
  listed in the extra ``warnings`` of that query's response, so nothing is dropped silently;
* ``nationality``, ``country`` and ``address`` are echoed and named under ``not_compared``:
  the watchlist holds no nationality, and addresses are not compared.

This module is pure (no database); :mod:`waspada.matching.service` runs the search.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from waspada.matching.features import name_features
from waspada.matching.records import (
    EARLIEST_BIRTH_YEAR,
    PersonRecord,
    RecordError,
    record_from_mapping,
)
from waspada.matching.schemas import (
    MAX_QUERIES,
    EntityOut,
    MatchParams,
    MatchRequest,
    changed_since_moment,
)
from waspada.matching.scorer import NameMemo, to_probability
from waspada.platform.birth_dates import latest_birth_date
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_

if TYPE_CHECKING:
    from waspada.matching.index import WatchlistIndex
    from waspada.matching.store import WatchlistEntry

ALGORITHM = "waspada-v1"
#: names a client may ask for: yente's aliases for "the best one" map to ours
ALGORITHM_NAMES = frozenset({ALGORITHM, "best", "default"})

#: FollowTheMoney schemata a person may be found under; other valid schemata get no results
PERSON_SCHEMATA = frozenset({"Person", "LegalEntity", "Thing"})
#: the other FollowTheMoney schemata yente matches (answered with no results, not an error)
OTHER_SCHEMATA = frozenset({
    "Organization", "Company", "PublicBody", "Vessel", "Airplane", "Asset", "Security",
    "CryptoWallet", "BankAccount", "Address", "Position",
})

MAX_NAMES = 5
MAX_DATES = 3
MAX_IDS = 3
#: records built per query (names x dates x identifiers), so a query costs a bounded time
MAX_VARIANTS = 20
#: searches one batch may cost, each query variant counting one per started four name words
#: (a search costs about the name's length: every word is aligned with every word of each
#: candidate): 100 queries of 5 ordinary names. 100 queries of 20 variants of 16-word names
#: cost 31 s of server CPU at threshold 0 on a 20,000-entry watchlist; a batch above this is
#: refused (400), never cut silently
MAX_BATCH_COST = 500
_WORDS_PER_UNIT = 4

_YEAR = re.compile(r"(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_GENDER = {"male": "M", "m": "M", "female": "F", "f": "F"}
NOT_COMPARED = ("nationality", "country", "address", "citizenship", "jurisdiction")


#: weight in bits of a partial query birth date against a candidate's full date (a year shared
#: by ~1 in 60 plausible birth years, discounted for recording errors; a month on top)
PARTIAL_BIRTH_WEIGHTS: dict[str, float] = {
    "month_agrees": 4.0, "year_agrees": 2.5, "same_year": -2.0, "near": -4.0, "far": -16.0,
    "unknown": 0.0,
}


@dataclass(frozen=True)
class PartialDate:
    """A birth date known to the year or month (yente accepts ``1975`` and ``1975-04``)."""

    year: int
    month: int | None = None

    def relation(self, other: date | None) -> str:
        """How a candidate's full birth date relates to this partial one."""
        if other is None:
            return "unknown"
        if other.year != self.year:
            return "near" if abs(other.year - self.year) <= 1 else "far"
        if self.month is None:
            return "year_agrees"
        return "month_agrees" if other.month == self.month else "same_year"


@dataclass
class ParsedQuery:
    """One query example as understood: the records to search with and what was left out."""

    qid: str
    schema: str
    records: list[PersonRecord] = field(default_factory=list)
    partial_dates: list[PartialDate] = field(default_factory=list)
    echo: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)

    @property
    def searchable(self) -> bool:
        return self.schema in PERSON_SCHEMATA and bool(self.records)


def values(props: dict[str, Any], key: str) -> list[str]:
    """A property's non-empty string values (a single string counts as one value)."""
    raw = props.get(key)
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for v in items:
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, int | float):
            v = str(v)
        if isinstance(v, str) and v.strip():
            out.append(v.strip())
    return out


def _names(props: dict[str, Any]) -> list[str]:
    names = values(props, "name") + values(props, "alias") + values(props, "previousName")
    parts = {k: " ".join(values(props, k)) for k in
             ("firstName", "secondName", "middleName", "lastName", "fatherName")}
    composed = " ".join(p for p in (parts["firstName"], parts["secondName"],
                                     parts["middleName"], parts["lastName"]) if p)
    if composed:
        if parts["fatherName"]:
            composed += " bin " + parts["fatherName"]
        names.append(composed)
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n, None)
    return list(seen)


def _birth_dates(props: dict[str, Any], parsed: ParsedQuery) -> list[str | None]:
    full: list[str | None] = []
    latest = latest_birth_date()
    for raw in values(props, "birthDate"):
        v = raw[:10] if len(raw) > 10 and raw[10] in "T " else raw
        if len(v) == 10:
            try:
                d = date.fromisoformat(v)
            except ValueError:
                parsed.warnings.append(f"birthDate {v[:20]!r} is not a date; not compared")
                continue
            if d.year < EARLIEST_BIRTH_YEAR:
                parsed.warnings.append(f"birthDate {v!r} is implausible; not compared")
                continue
            if d > latest:
                parsed.warnings.append(f"birthDate {v!r} is in the future; not compared")
                continue
            if len(full) == MAX_DATES:
                parsed.warnings.append(f"birthDate {v!r}: at most {MAX_DATES} full dates are "
                                       "compared; not compared")
                continue
            full.append(v)
            parsed.echo.setdefault("birthDate", []).append(v)
            continue
        ym = _YEAR_MONTH.fullmatch(v)
        y = _YEAR.fullmatch(v)
        if ym and 1 <= int(ym.group(2)) <= 12 and int(ym.group(1)) >= EARLIEST_BIRTH_YEAR:
            if (int(ym.group(1)), int(ym.group(2))) > (latest.year, latest.month):
                parsed.warnings.append(f"birthDate {v!r} is in the future; not compared")
                continue
            parsed.partial_dates.append(PartialDate(int(ym.group(1)), int(ym.group(2))))
            parsed.echo.setdefault("birthDate", []).append(v)
        elif y and int(y.group(1)) >= EARLIEST_BIRTH_YEAR:
            if int(y.group(1)) > latest.year:
                parsed.warnings.append(f"birthDate {v!r} is in the future; not compared")
                continue
            parsed.partial_dates.append(PartialDate(int(y.group(1))))
            parsed.echo.setdefault("birthDate", []).append(v)
        else:
            parsed.warnings.append(f"birthDate {v[:20]!r} is not a date; not compared")
    return full or [None]


def _identifiers(props: dict[str, Any], parsed: ParsedQuery) -> tuple[list[str | None],
                                                                     list[str | None]]:
    niks: list[str | None] = []
    passports: list[str | None] = []

    def take(key: str, v: str, value: str, into: list[str | None]) -> None:
        if len(into) == MAX_IDS:  # echoed only when compared, and named when not
            parsed.warnings.append(f"{key} {v[:20]!r}: at most {MAX_IDS} "
                                   f"{'NIKs' if into is niks else 'document numbers'} are "
                                   "compared; not compared")
            return
        into.append(value)
        parsed.echo.setdefault(key, []).append(v)

    for key in ("idNumber", "nationalId", "registrationNumber", "taxNumber"):
        for v in values(props, key):
            digits = "".join(ch for ch in v if ch.isalnum())
            take(key, v, digits, niks if digits.isdigit() and len(digits) == 16 else passports)
    for v in values(props, "passportNumber"):
        take("passportNumber", v, "".join(ch for ch in v if ch.isalnum()).upper(), passports)
    return (niks or [None]), (passports or [None])


def _variants(names: list[str], births: list[str | None], niks: list[str | None],
              passports: list[str | None]) -> tuple[list[tuple[Any, ...]], int]:
    """At most MAX_VARIANTS (name, birth date, NIK, passport) combinations, and how many there
    are. Every value is in at least one of them (the product in order alone gave all 20 to the
    first name once dates x identifiers reached 20, so an alias was never searched); the rest
    are the product's first, in the product's order (the same variants as before whenever
    they all fit)."""
    axes: tuple[list[Any], ...] = (names, births, niks, passports)
    total = math.prod(len(a) for a in axes)
    if total <= MAX_VARIANTS:
        return list(itertools.product(*axes)), total
    n = max(len(a) for a in axes)
    cover = {tuple(i % len(a) for a in axes) for i in range(n)}
    chosen = set(cover)
    for idx in itertools.product(*(range(len(a)) for a in axes)):
        if len(chosen) >= MAX_VARIANTS:
            break
        chosen.add(idx)
    return [tuple(a[i] for a, i in zip(axes, idx, strict=True))
            for idx in sorted(chosen)], total


def parse_example(qid: str, schema: str, props: dict[str, Any]) -> ParsedQuery:
    """Understand one query example; never raises for a bad value (see the module doc)."""
    parsed = ParsedQuery(qid, schema)
    for key in NOT_COMPARED:
        got = values(props, key)
        if got:
            parsed.echo[key] = got
            parsed.not_compared.append(key)
    if schema not in PERSON_SCHEMATA:
        parsed.warnings.append(f"schema {schema}: the watchlist holds persons only")
        return parsed
    names = _names(props)
    if not names:
        parsed.warnings.append("no name given: a person is matched by name first")
        return parsed
    for extra in names[MAX_NAMES:]:
        parsed.warnings.append(f"name {extra[:20]!r}: at most {MAX_NAMES} names are compared; "
                               "not compared")
    names = names[:MAX_NAMES]
    for name in names:
        tokens, _, patronym, _, _ = name_features(name)
        if not tokens and not patronym:  # punctuation, emoji, marks only: nothing to align
            parsed.warnings.append(f"name {name[:20]!r} has no letters or digits to compare; "
                                   "only the other properties are")
    parsed.echo["name"] = names
    births = _birth_dates(props, parsed)
    niks, passports = _identifiers(props, parsed)
    sex = None
    for g in values(props, "gender"):
        if sex is not None:
            parsed.warnings.append(f"gender {g[:20]!r}: one gender is compared; not compared")
            continue
        sex = _GENDER.get(g.lower())
        if sex is None:
            parsed.warnings.append(f"gender {g[:20]!r} is not compared (only male/female)")
        else:
            parsed.echo["gender"] = [g]
    phone = place = None
    for key in ("phone", "birthPlace"):
        given = values(props, key)
        if given:
            parsed.echo[key] = given[:1]
        for extra in given[1:]:
            parsed.warnings.append(f"{key} {extra[:20]!r}: one {key} is compared; not compared")
        if key == "phone":
            phone = next(iter(given), None)
        else:
            place = next(iter(given), None)
    combos, total = _variants(names, births, niks, passports)
    if total > len(combos):
        parsed.warnings.append(
            f"{total} combinations of names, birth dates and identifiers: {len(combos)} are "
            "searched (each value in at least one)")
    for name, birth, nik, passport in combos:
        try:
            parsed.records.append(record_from_mapping({
                "record_id": qid, "full_name": name, "birth_date": birth, "sex": sex,
                "nik": nik, "passport_no": passport, "phone": phone,
                "birth_place": place}))
        except RecordError as exc:  # an over-long value
            parsed.warnings.append(f"{exc.params.get('column', 'a value')}: {exc.reason}")
    return parsed


# -- request checks and filters ----------------------------------------------------------------

class MatchRefused(DomainError):
    """A match request yente would refuse: answered ``{"detail": ...}`` with 400 (404)."""


def _bad_request(code: str, message: str, **params: Any) -> MatchRefused:
    return MatchRefused(code, message, status=400, **params)


def check_request(body: MatchRequest, params: MatchParams, dataset: str,
                  datasets: tuple[str, ...]) -> None:
    """yente's refusals: unknown dataset (404), algorithm, config or weights (400), too many
    or no queries (400), an unknown schema (400: it fails the batch, as in yente)."""
    if dataset not in datasets:
        raise MatchRefused("unknown_dataset", N_("No such dataset: use one of {datasets}"),
                             status=404, datasets=", ".join(datasets))
    if params.algorithm.lower().strip() not in ALGORITHM_NAMES:
        raise _bad_request("invalid_algorithm", N_("Invalid algorithm: {name} (use {ours})"),
                           name=params.algorithm[:64], ours=ALGORITHM)
    for key in body.config:
        raise _bad_request("invalid_config", N_("Invalid configuration parameter: {key} for "
                                                "algorithm {ours}"), key=key[:64],
                           ours=ALGORITHM)
    for key in body.weights:
        raise _bad_request("invalid_weight", N_("Invalid weight: {key}; the weights of "
                                                "algorithm {ours} are not configurable"),
                           key=key[:64], ours=ALGORITHM)
    if len(body.queries) > MAX_QUERIES:
        raise _bad_request("too_many_queries",
                           N_("Too many queries in one batch (limit: {limit})"),
                           limit=MAX_QUERIES)
    if not body.queries:
        raise _bad_request("no_queries", N_("No queries provided."))
    for qid, query in body.queries.items():
        if query.schema_ not in PERSON_SCHEMATA | OTHER_SCHEMATA:
            raise _bad_request("invalid_schema", N_("Cannot parse example entity {qid}: "
                                                    "unknown schema {schema}"),
                               qid=qid[:64], schema=query.schema_[:64])


def search_cost(rec: PersonRecord) -> int:
    """What one query variant costs against MAX_BATCH_COST: one per started four name words
    (as compared: at most MAX_NAME_TOKENS words and as many of the patronym)."""
    tokens, _, patronym, _, _ = name_features(rec.full_name)
    return max(1, -(-(len(tokens) + len(patronym)) // _WORDS_PER_UNIT))


def check_batch_cost(parsed: list[ParsedQuery]) -> None:
    """Refuse (400) a batch whose searches cost more than MAX_BATCH_COST."""
    cost = sum(search_cost(r) for p in parsed if p.searchable for r in p.records)
    if cost > MAX_BATCH_COST:
        raise _bad_request("batch_too_large",
                           N_("This batch needs {cost} searches (names x birth dates x "
                              "identifiers, summed over its queries; a name of more than four "
                              "words counts once per four words; limit: {limit}): send fewer "
                              "queries or fewer values per batch"),
                           cost=cost, limit=MAX_BATCH_COST)


def since(value: str | None) -> datetime | None:
    """``changed_since`` as a moment (already checked by :class:`MatchParams`)."""
    return None if value is None else changed_since_moment(value)


def wanted(entry: WatchlistEntry | None, dataset: str, params: MatchParams,
            since: datetime | None) -> bool:
    """The dataset and filter parameters, applied before the ``limit`` cut."""
    if entry is None:
        return False
    kind = entry.list_kind
    if dataset not in ("default", "watchlist") and kind != dataset:
        return False
    if params.include_dataset and kind not in params.include_dataset:
        return False
    if kind in params.exclude_dataset or "Person" in params.exclude_schema:
        return False
    if params.topics and kind not in params.topics:
        return False
    if entry.record_id in params.exclude_entity_ids:
        return False
    if since is not None:
        changed = entry.changed_at
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=UTC)
        if changed < since:
            return False
    return True


def logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def search_variants(idx: WatchlistIndex, parsed: ParsedQuery, floor: float, top: int
                    ) -> dict[str, tuple[float, PersonRecord]]:
    """Best score per entry over every variant of the query (names x dates x identifiers),
    with a partial birth date (``1975``) weighed in; entries scoring at least ``floor``."""
    bonus_max = max((PARTIAL_BIRTH_WEIGHTS[r] for r in PARTIAL_BIRTH_WEIGHTS),
                    default=0.0) if parsed.partial_dates else 0.0
    search_floor = to_probability(logit(floor) - bonus_max) if bonus_max else floor
    best: dict[str, tuple[float, PersonRecord]] = {}
    memo: NameMemo = {}  # the variants share their names: each comparison is made once
    for rec in parsed.records:
        for m in idx.search(rec, top=top, threshold=max(search_floor, 1e-6),
                            explain=False, name_memo=memo):
            score = m.score
            if parsed.partial_dates and rec.birth_date is None:
                entry = idx.get(m.record_id)
                bonus = max(PARTIAL_BIRTH_WEIGHTS[d.relation(
                    entry.birth_date if entry else None)] for d in parsed.partial_dates)
                score = to_probability(logit(score) + bonus)
            if score >= floor and (m.record_id not in best or best[m.record_id][0] < score):
                best[m.record_id] = (score, rec)
    return best


def explain(idx: WatchlistIndex, parsed: ParsedQuery, rec: PersonRecord, record_id: str
            ) -> dict[str, Any]:
    """The index's explanation of one result, with the partial birth date (``1975``) that
    weighed in when the query variant had no full one."""
    ex = idx.explain(rec, record_id)
    if parsed.partial_dates and rec.birth_date is None:
        entry = idx.get(record_id)
        rel = max((d.relation(entry.birth_date if entry else None)
                   for d in parsed.partial_dates), key=lambda r: PARTIAL_BIRTH_WEIGHTS[r])
        ex["birth_date"] = {"relation": rel, "partial_query": True,
                            "weight": PARTIAL_BIRTH_WEIGHTS[rel], "from_nik": False}
    return ex


def entity_of(entry: WatchlistEntry | None, record_id: str) -> EntityOut:
    """An entry in yente's entity shape (a bare id when the entry is gone)."""
    if entry is None:
        return EntityOut(id=record_id, caption=record_id, schema_="Person", properties={})
    props: dict[str, list[str]] = {"name": [entry.full_name]}
    if entry.birth_date:
        props["birthDate"] = [entry.birth_date.isoformat()]
    if entry.sex:
        props["gender"] = ["male" if entry.sex == "M" else "female"]
    if entry.nik:
        props["idNumber"] = [entry.nik]
    if entry.passport_no:
        props["passportNumber"] = [entry.passport_no]
    props["topics"] = [entry.list_kind]
    return EntityOut(id=entry.record_id, caption=entry.full_name, schema_="Person",
                     properties=props, datasets=[entry.list_kind],
                     first_seen=entry.created_at, last_seen=entry.changed_at,
                     last_change=entry.changed_at, reason=entry.reason, source=entry.source,
                     expires_on=entry.expires_on)
