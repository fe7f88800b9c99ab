"""Input limits of the screening capability: the one place both the ORM columns (``store``) and
the input models (``schemas``) read, so a limit cannot drift between them."""

from __future__ import annotations

NAME = 300  # full name, accommodation, contacts abroad, sponsor
NIK = 32
PASSPORT_NO = 32
COUNTRY = 3  # ISO 3166 alpha-3
TRANSITS = 6  # transit countries per trip
MRZ_LINES = 3
MRZ_LINE = 60  # TD1/TD2/TD3 lines are 30-44 characters; a little room for stray spaces
MRZ = MRZ_LINES * (MRZ_LINE + 1)  # the stored MRZ (lines joined by newlines)
SHORT = 32  # stated purpose, who paid, an answer option
FLIGHT = 40
TEXT = 20_000  # offer text, notes, statements, reasons
LEGAL_BASES = 10
ANSWERS = 100  # answers in one request (the questionnaire has fewer questions)
RECORD_NO = 64
