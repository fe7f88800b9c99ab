"""The screening assessment: a pure, deterministic, versioned function.

It combines document findings, watchlist hits, earlier screenings of the same person (found by
the matching engine), the offer analysis and the interview answers into points, a level
(low / medium / high) and a recommended action. Every reason carries its evidence and source.

Fairness by construction: the input has no field for religion, ethnicity, sex or age, so none of
them can raise the level. Destinations count only as a risk *context* (Cambodia is not a
placement country); a destination alone never reaches "high".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from waspada.platform import labels
from waspada.platform.i18n import N_, translate
from waspada.screening.catalogue import destinations, questionnaire

ASSESSMENT_VERSION = "2026.11-2"  # -2: network links (sponsor known from cases)
Level = Literal["low", "medium", "high"]
Action = Literal["allow", "secondary_interview", "postpone", "refer_kp2mi", "refer_police"]

MEDIUM_AT = 3.0
HIGH_AT = 7.0

#: reasons that point at trafficking (coercion, deception, exploitation) rather than only at
#: non-procedural migration
TRAFFICKING_CODES = frozenset({"documents_retained", "coached_to_deceive", "debt_bondage_risk",
                               "watchlist.recruiter", "offer.high", "network.case"})
#: reasons that point at non-procedural labour migration
WORK_CODES = frozenset({"job_offer_abroad", "unlicensed_recruiter", "recruiter_unknown",
                        "wrong_visa_for_work", "work_in_non_placement_country",
                        "offer_via_social_media", "offer_via_chat", "offer_via_agent",
                        "costs_paid_by_recruiter", "offer.medium", "offer.high"})

#: action labels and level labels are English gettext message ids (Indonesian in the catalogue),
#: translated where they are shown (``Assessment.to_dict``, the pages)
ACTION_LABELS: dict[str, dict[str, str]] = {
    "departure": {
        "allow": N_("Allow departure"),
        "secondary_interview": N_("Secondary interview"),
        "postpone": N_("Postpone departure"),
        "refer_kp2mi": N_("Postpone and refer to KP2MI (non-procedural migrant worker)"),
        "refer_police": N_("Postpone and refer to the police (suspected trafficking)"),
    },
    "passport": {
        "allow": N_("Issue the passport"),
        "secondary_interview": N_("Further interview"),
        "postpone": N_("Postpone passport issuance"),
        "refer_kp2mi": N_("Postpone issuance and refer to KP2MI / labour office"),
        "refer_police": N_("Postpone issuance and refer to the police (suspected trafficking)"),
    },
}
LEVEL_LABELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
ACTIONS: tuple[str, ...] = ("allow", "secondary_interview", "postpone", "refer_kp2mi",
                            "refer_police")
POSTPONING_ACTIONS = frozenset({"postpone", "refer_kp2mi", "refer_police"})


@dataclass(frozen=True)
class DocumentFinding:
    code: str
    severity: str  # info | warning | critical
    message_id: str
    message_en: str


@dataclass(frozen=True)
class WatchlistHit:
    """A candidate from the watchlist (matching engine) with its score and explanation."""

    entry_id: str
    list_type: str  # pencegahan (exit ban, "cekal") | recruiter | victim | postponed | other
    label: str
    score: float
    explanation: str = ""  # Indonesian, for the evidence line; ``parts`` re-render it per language
    parts: tuple[tuple[str, str], ...] = ()
    explanation_en: str = ""


@dataclass(frozen=True)
class PriorScreening:
    """An earlier screening of (probably) the same person, found by the matching engine."""

    screening_id: int
    record_no: str
    unit: str
    date: str
    action: str | None
    level: str | None
    score: float
    explanation: str = ""  # Indonesian, for the evidence line; ``parts`` re-render it per language
    parts: tuple[tuple[str, str], ...] = ()
    explanation_en: str = ""


@dataclass(frozen=True)
class TravelFacts:
    destination_country: str = ""  # ISO alpha-3
    transit_countries: tuple[str, ...] = ()
    ticket: str = ""  # one_way | return | ""
    visa_type: str = ""  # tourist | visa_free | voa | work | student | other | ""
    stated_purpose: str = ""


@dataclass(frozen=True)
class AssessmentInput:
    kind: Literal["departure", "passport"]
    facts: TravelFacts = TravelFacts()
    answers: dict[str, str] = field(default_factory=dict)
    documents: tuple[DocumentFinding, ...] = ()
    watchlist: tuple[WatchlistHit, ...] = ()
    prior: tuple[PriorScreening, ...] = ()
    offer: dict[str, Any] | None = None  # waspada.offers OfferAnalysis.to_dict()
    #: contacts the traveller gave (sponsor, contact abroad, offer) that stored cases or
    #: watchlist entries hold: waspada.network.service.screening_hits
    network: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    category: str  # documents | watchlist | history | offer | answers | travel
    weight: float
    title_id: str
    title_en: str
    evidence: str  # Indonesian
    source: str
    evidence_en: str = ""  # empty in assessments stored before it existed

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        english = lang == "en"
        return {"code": self.code, "category": self.category, "weight": self.weight,
                "title": self.title_en if english else self.title_id,
                "evidence": self.evidence_en if english and self.evidence_en
                else self.evidence, "source": self.source}


@dataclass(frozen=True)
class Assessment:
    version: str
    level: Level
    points: float
    reasons: tuple[Reason, ...]
    recommended_action: Action
    unanswered: tuple[str, ...]

    def to_dict(self, kind: str, lang: str = "id") -> dict[str, Any]:
        lang = "en" if lang == "en" else "id"
        return {"version": self.version, "level": self.level,
                "level_label": translate(LEVEL_LABELS[self.level], lang), "points": self.points,
                "recommended_action": self.recommended_action,
                "recommended_action_label": translate(
                    ACTION_LABELS[kind][self.recommended_action], lang),
                "reasons": [r.to_dict(lang) for r in self.reasons],
                "unanswered": list(self.unanswered)}

    def as_record(self) -> dict[str, Any]:
        return asdict(self)


def _documents(findings: tuple[DocumentFinding, ...]) -> list[Reason]:
    reasons: list[Reason] = []
    critical = [f for f in findings if f.severity == "critical"]
    warnings = [f for f in findings if f.severity == "warning"]
    for finding in critical[:2]:
        reasons.append(Reason(f"document.{finding.code}", "documents", 3.0,
                              f"Dokumen bermasalah: {finding.message_id}",
                              f"Document problem: {finding.message_en}", finding.code,
                              "identity: ICAO 9303 / NIK / passport rules", finding.code))
    for finding in warnings[:2]:
        reasons.append(Reason(f"document.{finding.code}", "documents", 1.0,
                              f"Catatan dokumen: {finding.message_id}",
                              f"Document warning: {finding.message_en}", finding.code,
                              "identity: ICAO 9303 / NIK / passport rules", finding.code))
    return reasons


WATCHLIST_WEIGHTS = {"pencegahan": 10.0, "recruiter": 6.0, "postponed": 4.0, "victim": 3.0,
                     "other": 2.0}
WATCHLIST_TITLES = {
    "pencegahan": ("Cocok dengan daftar pencegahan (cekal)", "Matches the exit-ban list (cekal)"),
    "recruiter": ("Cocok dengan perekrut yang dikenal", "Matches a known recruiter"),
    "postponed": ("Cocok dengan orang yang pernah ditunda", "Matches an earlier postponement"),
    "victim": ("Cocok dengan korban yang dikenal (risiko diperdagangkan lagi)",
               "Matches a known victim (risk of re-trafficking)"),
    "other": ("Cocok dengan daftar pengawasan", "Matches a watchlist entry"),
}
STRONG_MATCH = 0.85
POSSIBLE_MATCH = 0.6


def _watchlist(hits: tuple[WatchlistHit, ...]) -> list[Reason]:
    reasons = []
    for hit in sorted(hits, key=lambda h: (-h.score, h.entry_id)):
        if hit.score < POSSIBLE_MATCH:
            continue
        kind = "pencegahan" if hit.list_type == "cekal" else hit.list_type
        kind = kind if kind in WATCHLIST_WEIGHTS else "other"
        strong = hit.score >= STRONG_MATCH
        weight = WATCHLIST_WEIGHTS[kind] * (1.0 if strong else 0.5)
        title_id, title_en = WATCHLIST_TITLES[kind]
        if not strong:
            title_id, title_en = f"Mungkin {title_id[0].lower()}{title_id[1:]}", \
                f"Possibly: {title_en[0].lower()}{title_en[1:]}"
        # the title names the list; the label's "(pencegahan)" was the list's code
        name = hit.label.rsplit(" (", 1)[0] if hit.list_type else hit.label
        reasons.append(Reason(f"watchlist.{kind}", "watchlist", weight, title_id, title_en,
                              f"{name} (skor {hit.score:.2f}; {hit.explanation})",
                              f"watchlist entry {hit.entry_id}",
                              f"{name} (score {hit.score:.2f}; {hit.explanation_en})"))
    return reasons


def _history(prior: tuple[PriorScreening, ...]) -> list[Reason]:
    reasons = []
    for item in sorted(prior, key=lambda p: (-p.score, p.screening_id)):
        if item.score < POSSIBLE_MATCH:
            continue
        factor = 1.0 if item.score >= STRONG_MATCH else 0.5
        if item.action in ("postpone", "refer_kp2mi", "refer_police"):
            reasons.append(Reason(
                "history.postponed", "history", 4.0 * factor,
                f"Pernah ditunda di {item.unit} pada {item.date}",
                f"Postponed before at {item.unit} on {item.date}",
                f"{item.record_no} (skor kecocokan {item.score:.2f}; {item.explanation})",
                f"screening {item.record_no}",
                f"{item.record_no} (match score {item.score:.2f}; {item.explanation_en})"))
        elif item.level == "high" or item.action == "secondary_interview":
            reasons.append(Reason(
                "history.flagged", "history", 2.0 * factor,
                f"Pernah diperiksa lanjutan di {item.unit} pada {item.date}",
                f"Examined closely before at {item.unit} on {item.date}",
                f"{item.record_no} (skor kecocokan {item.score:.2f})",
                f"screening {item.record_no}",
                f"{item.record_no} (match score {item.score:.2f})"))
    return reasons[:3]


def _offer(offer: dict[str, Any] | None) -> list[Reason]:
    if not offer or offer.get("level") not in ("medium", "high"):
        return []
    level = offer["level"]
    indicators = offer.get("indicators", [])[:4]
    titles = ", ".join(i["title"] for i in indicators)
    # English titles stored beside the Indonesian since round 25; the codes before
    titles_en = ", ".join(str(i.get("title_en") or i.get("code", "")) for i in indicators)
    weight = 4.0 if level == "high" else 2.0
    level_id = translate(LEVEL_LABELS[level], "id").lower()
    return [Reason(f"offer.{level}", "offer", weight,
                   f"Tawaran kerja yang ditunjukkan berisiko {level_id}",
                   f"The job offer shown is {level} risk",
                   f"skor {offer.get('score', 0):.2f}: {titles}",
                   "offers engine (indicator catalogue + text model)",
                   f"score {offer.get('score', 0):.2f}: {titles_en}")]


NETWORK_WEIGHTS = {"case": 4.0, "watchlist": 3.0}
NETWORK_TITLES = {
    "case": ("Kontak sponsor/perekrut tercatat dalam kasus TPPO",
             "The sponsor's or recruiter's contact appears in trafficking cases"),
    "watchlist": ("Kontak sponsor/perekrut tercatat dalam daftar pengawasan",
                  "The sponsor's or recruiter's contact appears in watchlist entries"),
}
FIELD_LABELS = {"sponsor": ("sponsor", "sponsor"),
                "contact_abroad": ("kontak di luar negeri", "contact abroad"),
                "offer": ("tawaran kerja", "job offer")}


def _network(hits: tuple[dict[str, Any], ...]) -> list[Reason]:
    """One reason per source type (cases, watchlist) naming each contact and the records."""
    reasons = []
    for source_type in ("case", "watchlist"):
        found = [h for h in hits if h.get("source_type") == source_type]
        if not found:
            continue
        noun_id, noun_en = ("kasus", "case") if source_type == "case" else (
            "entri daftar pengawasan", "watchlist entry")
        parts_id: list[str] = []
        parts_en: list[str] = []
        refs: list[str] = []
        for h in found:
            field_id, field_en = FIELD_LABELS.get(h.get("field", ""), (h.get("field", ""),) * 2)
            ids = ", ".join(f"#{i}" for i in h.get("source_ids", []))
            parts_id.append(f"{h['value']} ({field_id}): {h['count']} {noun_id} {ids}, "
                            f"terakhir {h.get('last_seen', '')}")
            parts_en.append(f"{h['value']} ({field_en}): {h['count']} {noun_en}(s) {ids}, "
                            f"last {h.get('last_seen', '')}")
            refs.extend(f"{source_type} {i}" for i in h.get("source_ids", []))
        title_id, title_en = NETWORK_TITLES[source_type]
        reasons.append(Reason(f"network.{source_type}", "network", NETWORK_WEIGHTS[source_type],
                              title_id, title_en, "; ".join(parts_id),
                              "network links: " + ", ".join(refs), "; ".join(parts_en)))
    return reasons


def _answers(answers: dict[str, str]) -> tuple[list[Reason], list[str]]:
    reasons, unanswered = [], []
    for question in questionnaire().questions:
        answer = (answers.get(question.code) or "").strip()
        if not answer:
            unanswered.append(question.code)
            continue
        risk = question.risk_by_answer.get(answer)
        if risk is not None:
            reasons.append(Reason(risk.code, "answers", risk.weight, risk.title_id,
                                  risk.title_en,
                                  f"{question.text_id} → {question.option_label(answer, 'id')}",
                                  risk.source,
                                  f"{question.text_en} → {question.option_label(answer, 'en')}"))
    return reasons, unanswered


def _travel(facts: TravelFacts, answers: dict[str, str], offer: dict[str, Any] | None
            ) -> list[Reason]:
    data = destinations()
    reasons = []
    dest = facts.destination_country.upper()
    high_risk = data["high_risk"].get(dest)
    work_signs = (answers.get("purpose") == "work" or answers.get("has_job_offer") == "yes"
                  or facts.stated_purpose == "work"
                  or (offer is not None and offer.get("level") in ("medium", "high")))
    if high_risk:
        reasons.append(Reason("destination.high_risk", "travel", 2.0,
                              f"Tujuan berisiko tinggi: {high_risk['id']}",
                              f"High-risk destination: {high_risk['en']}", dest,
                              "Kemlu case figures; government warnings (indicators.md)", dest))
        if work_signs and not high_risk.get("placement", True):
            reasons.append(Reason(
                "work_in_non_placement_country", "travel", 3.0,
                f"Bekerja di negara yang bukan negara penempatan PMI ({high_risk['id']})",
                f"Work in a country that is not a placement country ({high_risk['en']})",
                # the title names the country (the note said "Cambodia" for Myanmar and Laos)
                dest, "Indonesian government warnings: not a placement country", dest))
    transits = [t.upper() for t in facts.transit_countries if t.upper() in data["transit"]]
    if transits and (high_risk or work_signs):
        names = ", ".join(data["transit"][t]["id"] for t in transits)
        names_en = ", ".join(data["transit"][t]["en"] for t in transits)
        reasons.append(Reason("route.transit", "travel", 1.0,
                              f"Rute transit yang biasa dipakai perekrut: {names}",
                              f"Transit route used by recruiters: {names_en}",
                              ", ".join(transits),
                              "Indonesian government warnings: routes via Malaysia, "
                              "Thailand, the Philippines", ", ".join(transits)))
    if facts.ticket == "one_way":
        reasons.append(Reason("ticket.one_way", "travel", 1.0, "Tiket sekali jalan",
                              "One-way ticket", "one_way",
                              "domain-facts: what officers look at (return ticket)", "one_way"))
    if work_signs and facts.visa_type in ("tourist", "visa_free", "voa") \
            and answers.get("visa_for_work") != "yes":
        reasons.append(Reason("wrong_visa_for_work", "travel", 3.0,
                              "Bekerja dengan visa turis/bebas visa",
                              "Work on a tourist visa or visa exemption", facts.visa_type,
                              "Indonesian government warnings: tourist/visit visa for work",
                              facts.visa_type))
    return reasons


def assess(data: AssessmentInput) -> Assessment:
    """Combine all evidence into a level and a recommended action. Pure and deterministic."""
    answer_reasons, unanswered = _answers(data.answers)
    reasons = (_documents(data.documents) + _watchlist(data.watchlist) + _history(data.prior)
               + _offer(data.offer) + _network(data.network) + answer_reasons
               + _travel(data.facts, data.answers, data.offer))
    reasons.sort(key=lambda r: (-r.weight, r.category, r.code))
    points = round(sum(r.weight for r in reasons), 2)
    codes = {r.code for r in reasons}
    exit_ban = any(r.code == "watchlist.pencegahan"
                   and r.weight >= WATCHLIST_WEIGHTS["pencegahan"]
                   for r in reasons)
    level: Level = "high" if points >= HIGH_AT or exit_ban else (
        "medium" if points >= MEDIUM_AT else "low")
    action: Action
    if exit_ban:
        action = "postpone"
    elif level == "high" and codes & TRAFFICKING_CODES and (
            len(codes & TRAFFICKING_CODES) >= 2 or "watchlist.recruiter" in codes
            or "documents_retained" in codes or "coached_to_deceive" in codes):
        action = "refer_police"
    elif level == "high" and codes & WORK_CODES:
        action = "refer_kp2mi"
    elif level == "high":
        action = "postpone"
    elif level == "medium":
        action = "secondary_interview"
    else:
        action = "allow"
    return Assessment(version=ASSESSMENT_VERSION, level=level, points=points,
                      reasons=tuple(reasons), recommended_action=action,
                      unanswered=tuple(unanswered))


def _action_words(code: str, lang: str) -> str | None:
    words = ACTION_LABELS["departure"].get(code)
    return translate(words, lang) if words is not None else None


def _answer_words(code: str, lang: str) -> str | None:
    """An interview answer code (``yes``, ``social_media``) in the questionnaire's words."""
    for question in questionnaire().questions:
        if code in question.options:
            return question.option_label(code, lang)
    return None


# screening actions and interview answers in the one labels catalogue (issue #16, defect 8)
labels.register("action", _action_words, lambda: ACTIONS)
labels.register("answer", _answer_words, lambda: sorted(
    {code for q in questionnaire().questions for code in q.options}))
