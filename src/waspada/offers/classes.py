"""Word classes combined by proximity (issue #15 round 7).

The catalogue (indicators.yaml) recognises PHRASES; real texts say the same thing in words it
has never seen ("jumped at a job offer ... in Poland, earning $800", "dibiayai berangkat ke
sana, paspornya, kemudian tiketnya, semua ditanggung"). This layer recognises CLASSES of words
(``classes.yaml``: offer/promise words, any place abroad, pay, costs covered, a fee paid, a
debt, an informal channel, a tourist visa) and combines them by proximity:

* an ANCHOR is an offer word and a place abroad in the same sentence or in two neighbouring
  sentences (``ANCHOR_WINDOW``);
* a SIGNAL is a class of ``SIGNAL_CLASSES`` matched within ``SIGNAL_WINDOW`` sentences of an
  anchor.

Each class is ONE regex alternation compiled once; the text is scanned once per class and the
matches are mapped to sentence numbers with a binary search, so the cost is linear in the text
(no per-phrase rules, no nested scans). Pure: no I/O after the data file is loaded.

Round 8: with no offer abroad, an offer TOLD as made to someone (``promise``) is read with the
narrow ``NO_PLACE_SIGNALS`` around it (``ClassHits.no_place``); a debt is a deal too, and money
paid for a departure abroad is a deal without a job word (never for a holiday or a study trip).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from waspada.offers.fastre import Scan
from waspada.offers.prefilter import (
    Prefilter,
    matches_at_word_starts,
    prefilter_for,
    word_starts,
)

ANCHOR_WINDOW = 1
"""An offer word and a place abroad at most this many sentences apart form an anchor."""
SIGNAL_WINDOW = 2
"""A signal counts when it is at most this many sentences from an anchor sentence."""
SIGNAL_CLASSES = ("pay", "costs_covered", "fee_paid", "fee_asked", "debt", "channel",
                  "tourist_visa", "role", "outcome", "irregular")
STRONG_SIGNALS = frozenset({"costs_covered", "fee_paid", "debt", "tourist_visa", "outcome"})
"""One of these with an offer abroad is a level an officer acts on (ILO-FL: debt bondage and
deceptive recruitment; UU 18/2017: no placement cost charged to the worker; INTERPOL-2023:
tourist visas for work)."""
OUTCOME_SIGNAL = "outcome"
"""Round 8: an exploitation outcome told with the offer (confined, passport withheld, not paid,
forced to scam, sold, crossed a border illegally: ILO-FL) makes the text a trafficking case."""
NO_PLACE_SIGNALS = ("role", "high_pay", "costs_covered", "fee_paid", "social_recruit",
                    "tourist_visa", "outcome", "wage_debt")
"""Round 8: the signals that count for an offer TOLD with no place named ("recruited through
Facebook job ads that promised high-paying jobs as encoders"): narrower than near a place
abroad - any pay amount, a WhatsApp number or a fee named are what every local ad has, so
only unrealistic pay, a scam-compound role, costs covered, money paid or demanded,
recruitment through social media, a tourist cover and an outcome count."""
NO_PLACE_CLASS = {"high_pay": "pay_high"}
"""Signal names whose class has another name (``high_pay`` is read by ``pay_high``)."""
ANCHOR_CLASSES = ("offer", "place_abroad", "work", "legal_route", "promise", "pay_high",
                  "social_recruit", "departure", "leisure", "irregular", "wage_debt")
WAGE_DEBT = "wage_debt"
"""Round 13: the recruiter's advance repaid from future wages (``classes.yaml``). With no offer
word and no place it is an anchor of the no-place path (debt bondage told of one case: "semua
biaya ... ditanggung oleh perekrut ... akan diganti setelah mereka mendapatkan pekerjaan"),
and its own sign is one signal: a floor needs one more (costs covered, a fee paid, an
outcome...), and then it is "high" (ILO-FL: debt bondage)."""
ROUTE_CLASSES = ("tourist_visa", "irregular")
"""Round 9: a ROUTE told with no offer sentence ("Puluhan PMI ... tujuan Riyadh dan Dubai,
namun menggunakan visa turis, bukan visa kerja"; a worker who "hendak bekerja di Abu Dhabi"
and could not show the documents) is an anchor like a deal: a tourist visa or an irregular
departure near a place abroad and a job word, with no holiday word (outside the visa phrase)
near it. Like a deal it needs a second signal for "high" (its own sign is one)."""
DEAL_CLASSES = ("costs_covered", "fee_paid", "debt")
"""A transaction near a place abroad is an anchor too ("semua biaya ... ke Sandakan, Malaysia
ditanggung", "membayar Rp80 juta ... ke Jepang"; round 8: a debt for the travel, "she owed him
RM1,600 in travelling costs"): the deal is the offer. Such a ``deal`` anchor
needs a job word (``work``) near it (a holiday with the visa paid is no deal) and a second
signal for "high" (its own transaction is already one)."""
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n+")


@dataclass(frozen=True)
class WordClass:
    name: str
    note: str
    source: str
    regex: re.Pattern[str]
    prefilter: Prefilter | None = None
    """Round 9 (throughput): literal prefixes every match starts with (``prefilter.py``); a
    text none of them occurs in is not scanned - the result is exactly the scan's."""
    scan: Scan = field(init=False, compare=False, repr=False)
    """Round 10 (throughput): ``regex`` in the forms that scan faster (``fastre.Scan``):
    the same matches."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", Scan(self.regex))


@dataclass
class ClassHits:
    """What the class layer found in one text."""

    anchor: bool = False
    deal_only: bool = False
    no_place: bool = False
    """Round 8: no offer abroad, but an offer TOLD (``promise``) with no place near it: its
    signals are the narrow ``NO_PLACE_SIGNALS`` (``anchor`` stays False)."""
    legal_route: bool = False
    signals: frozenset[str] = frozenset()


def parse_classes(doc: dict[str, object]) -> dict[str, WordClass]:
    """Compile the classes of a parsed ``classes.yaml`` (one alternation per class)."""
    raw = doc.get("classes")
    if not isinstance(raw, dict):
        raise ValueError("classes.yaml: 'classes' must be a mapping")
    out: dict[str, WordClass] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not spec.get("patterns") or not spec.get("source"):
            raise ValueError(f"classes.yaml: class {name!r} needs patterns and a source")
        alt = "|".join(f"(?:{p})" for p in spec["patterns"])
        # The prefixes are read from "\b(?:alt)": a prefix that starts with a word character
        # can then only match at a word start, as after "(?<!\w)"; any other prefix is
        # tested anywhere in the text. Either way a match of the class implies its prefix.
        out[str(name)] = WordClass(str(name), str(spec.get("note", "")), str(spec["source"]),
                                   re.compile(rf"(?<!\w)(?:{alt})(?!\w)"),
                                   prefilter_for(re.compile(rf"\b(?:{alt})")))
    missing = set(SIGNAL_CLASSES + ANCHOR_CLASSES) - out.keys()
    if missing:
        raise ValueError(f"classes.yaml: missing classes {sorted(missing)}")
    return out


@lru_cache(maxsize=1)
def load_classes() -> dict[str, WordClass]:
    text = resources.files("waspada.offers").joinpath("classes.yaml").read_text("utf-8")
    return parse_classes(yaml.safe_load(text))


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (a full stop before a digit, as in
    "Rp3.000.000", does not end a sentence)."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def class_spans(text: str, classes: dict[str, WordClass] | None = None
                ) -> dict[str, list[tuple[int, int]]]:
    """Every class's matches in a normalised text (for explanations and tests)."""
    classes = classes or load_classes()
    return {name: spans for name, wc in classes.items()
            if (spans := [(m.start(), m.end()) for m in wc.scan.finditer(text)])}


def find_classes(text: str, classes: dict[str, WordClass] | None = None,
                 words: frozenset[str] | None = None) -> ClassHits:
    """Anchors and signals of a normalised (lower-case) text.

    Classes are scanned lazily: a text with no place abroad costs one scan, one with no
    anchor two to four; the signal classes are scanned only around an anchor. ``words``:
    ``prefilter.word_starts(text)`` when the caller has it (a class whose prefixes do not
    occur is not scanned)."""
    classes = classes or load_classes()
    starts = sentence_starts(text)
    sentences: dict[str, set[int]] = {}
    ws: list[frozenset[str]] = [words] if words is not None else []

    def scan(name: str) -> set[int]:
        if name not in sentences:
            wc = classes[name]
            found = None
            if wc.prefilter is not None:
                if not ws:
                    ws.append(word_starts(text))
                found = matches_at_word_starts(wc.regex, wc.prefilter, text, ws[0])
                if found is None and not wc.prefilter.may_match(text, ws[0]):
                    found = ()
            sentences[name] = {bisect.bisect_right(starts, m.start()) - 1
                               for m in (wc.scan.finditer(text) if found is None else found)}
        return sentences[name]

    places = scan("place_abroad")
    if not places:
        return _no_place(scan, classes)
    anchors = _near(scan("offer"), places)
    deal_only = not anchors
    if deal_only:
        deals = set().union(*(scan(c) for c in DEAL_CLASSES))
        rng = range(-ANCHOR_WINDOW, ANCHOR_WINDOW + 1)
        work = scan("work") if deals else set()
        paid = (scan("fee_paid") | scan("debt")) if deals else set()
        leave = (scan("departure") - scan("leisure")) if paid else set()
        anchors = {s for s in deals if any(s + d in places for d in rng)
                   and (any(s + d in work for d in rng)
                        or (s in paid and any(s + d in leave for d in rng)))}
    if not anchors:
        anchors = _route_anchors(text, starts, scan, classes, places)
        deal_only = True
    if not anchors:
        return _no_place(scan, classes)
    near = {s + d for s in anchors for d in range(-SIGNAL_WINDOW, SIGNAL_WINDOW + 1)}
    signals = {c for c in SIGNAL_CLASSES if scan(c) & near}
    if "pay" not in signals and scan("pay_high") & near:
        signals.add("pay")
    legal = bool(scan("legal_route") & near)
    return ClassHits(anchor=True, deal_only=deal_only, legal_route=legal,
                     signals=frozenset(signals))


def _route_anchors(text: str, starts: list[int], scan: Callable[[str], set[int]],
                   classes: dict[str, WordClass], places: set[int]) -> set[int]:
    """Round 9: sentences of a tourist visa or an irregular departure with a place abroad and a
    job word near them and no holiday word near them (a holiday word inside the visa phrase,
    "visa wisata", does not count)."""
    routes = set().union(*(scan(c) for c in ROUTE_CLASSES))
    if not routes:
        return set()
    rng = range(-ANCHOR_WINDOW, ANCHOR_WINDOW + 1)
    work = scan("work")
    cand = {s for s in routes if any(s + d in places for d in rng)
            and any(s + d in work for d in rng)}
    if not cand:
        return set()
    visas = [(m.start(), m.end()) for m in classes["tourist_visa"].scan.finditer(text)]
    leisure = {bisect.bisect_right(starts, m.start()) - 1
               for m in classes["leisure"].scan.finditer(text)
               if not any(a <= m.start() < b for a, b in visas)}
    return {s for s in cand if not any(s + d in leisure for d in rng)}


def _no_place(scan: Callable[[str], set[int]], classes: dict[str, WordClass]) -> ClassHits:
    """Round 8: an offer TOLD as made to someone (``promise``) with no place abroad near it;
    only the narrow ``NO_PLACE_SIGNALS`` near it count."""
    anchors = scan("promise")
    debt_only = not anchors
    if debt_only:
        anchors = scan(WAGE_DEBT)  # round 13: a debt told with no promise word
    if not anchors:
        return ClassHits()
    near = {s + d for s in anchors for d in range(-SIGNAL_WINDOW, SIGNAL_WINDOW + 1)}
    signals = frozenset(c for c in NO_PLACE_SIGNALS if scan(NO_PLACE_CLASS.get(c, c)) & near)
    if debt_only and len(signals) < 2:
        return ClassHits()  # the debt alone (a payroll deduction) is no offer
    legal = bool(scan("legal_route") & near)
    return ClassHits(no_place=True, legal_route=legal, signals=signals)


def _near(words: set[int], places: set[int]) -> set[int]:
    """Sentences of ``words`` and ``places`` at most ``ANCHOR_WINDOW`` apart."""
    rng = range(-ANCHOR_WINDOW, ANCHOR_WINDOW + 1)
    return ({s for s in words if any(s + d in places for d in rng)}
            | {s for s in places if any(s + d in words for d in rng)})


SIGNAL_CODES: dict[str, frozenset[str]] = {
    "pay": frozenset({"LURE_HIGH_PAY", "PAY_FOREIGN_CURRENCY"}),
    "costs_covered": frozenset({"LURE_COSTS_PAID"}),
    "fee_paid": frozenset(),
    "fee_asked": frozenset({"PROC_FEE_DEMANDED", "PROC_FEE_TO_LEAVE"}),
    "debt": frozenset({"CONTROL_CONTRACT_PENALTY"}),
    "channel": frozenset({"PROC_INFORMAL_RECRUITER", "PROC_PERSONAL_CHAT",
                          "PROC_STRANGER_CONTACT"}),
    "tourist_visa": frozenset({"PROC_TOURIST_VISA"}),
    "outcome": frozenset({"CONTROL_PASSPORT_HELD"}),
}
NO_PLACE_CODES: dict[str, frozenset[str]] = {
    "high_pay": frozenset({"LURE_HIGH_PAY"}),
    "costs_covered": SIGNAL_CODES["costs_covered"],
    "tourist_visa": SIGNAL_CODES["tourist_visa"],
    "outcome": SIGNAL_CODES["outcome"],
}
"""Catalogue indicators (with evidence in the text) that also give a signal class: the class
layer never counts less than the catalogue already found (monotone in the indicators).
``NO_PLACE_CODES`` is the same for an offer told with no place (``NO_PLACE_SIGNALS``). The
catalogue's ``JOB_SCAM_ROLE`` is not mapped to the ``role`` signal: it reads "operator" and
"admin", which licensed factory ads use; the ``role`` class is the narrower list of compound
roles."""
