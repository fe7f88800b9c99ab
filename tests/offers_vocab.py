"""Shared by the offer-engine tests: the catalogue, its codes and contexts, level ranks, and
the word classes found in a text."""
from waspada.offers.catalogue import load_catalogue
from waspada.offers.classes import class_spans

CAT = load_catalogue()
CODES = [i.code for i in CAT.indicators]
CONTEXTS = [c.name for c in CAT.contexts]
RANK = {"low": 0, "medium": 1, "high": 2}


def classes_in(text: str) -> set[str]:
    """The word classes with a match in ``text`` (lower-cased as the engine does)."""
    return set(class_spans(text.lower()))
