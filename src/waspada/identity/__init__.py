"""Identity checks: MRZ, NIK, Indonesian names, traveller consistency (pure, no I/O).

Public API::

    parse_mrz, generate_mrz, check_digit, MRZResult     (waspada.identity.mrz)
    parse_nik, generate_nik, NIKResult                  (waspada.identity.nik)
    parse_name, PersonName, canonical_token, phonetic_key (waspada.identity.names)
    check_traveller, TravellerFacts, TravellerCheck     (waspada.identity.consistency)
    Finding, REGISTRY                                   (waspada.identity.findings)
    read_document, DocumentRead  (waspada.identity.reading: photo/scan -> MRZ; OCR loads lazily)
"""

from waspada.identity.consistency import TravellerCheck, TravellerFacts, check_traveller
from waspada.identity.findings import REGISTRY, Finding, FindingSpec, has_critical, register
from waspada.identity.mrz import MRZResult, check_digit, generate_mrz, parse_mrz
from waspada.identity.names import PersonName, canonical_token, parse_name, phonetic_key
from waspada.identity.nik import NIKResult, generate_nik, parse_nik
from waspada.identity.reading import DocumentRead, read_document

__all__ = [
    "REGISTRY",
    "DocumentRead",
    "Finding",
    "FindingSpec",
    "MRZResult",
    "NIKResult",
    "PersonName",
    "TravellerCheck",
    "TravellerFacts",
    "canonical_token",
    "check_digit",
    "check_traveller",
    "generate_mrz",
    "generate_nik",
    "has_critical",
    "parse_mrz",
    "parse_name",
    "parse_nik",
    "phonetic_key",
    "read_document",
    "register",
]
