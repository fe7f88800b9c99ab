"""The coded findings of the MRZ parser (one declaration each: code, severity, English msgid;
the Indonesian wording is in the gettext catalogue). Kept apart from
:mod:`waspada.identity.mrz` so the parser reads as a parser."""

from __future__ import annotations

from waspada.identity.findings import register
from waspada.platform.i18n import N_

F_EMPTY = register("mrz.input.empty", "critical", N_("MRZ is empty."))
F_TYPE = register(
    "mrz.input.type", "critical", N_("MRZ input must be text.")
)
F_TOO_LONG = register(
    "mrz.input.too_long",
    "critical",
    N_("Input is too long to be an MRZ ({length} characters)."),
)
F_WHITESPACE = register(
    "mrz.input.whitespace",
    "info",
    N_("Stray whitespace or blank lines were ignored."),
)
F_LOWERCASE = register(
    "mrz.input.lowercase",
    "warning",
    N_("MRZ contained lower-case letters; converted to upper case."),
)
F_CHARS = register(
    "mrz.input.invalid_characters",
    "critical",
    N_("Invalid characters in MRZ line {line}: {chars}"),
)
F_FORMAT = register(
    "mrz.format.unknown",
    "critical",
    N_("Unknown MRZ format (line lengths: {lengths})."),
)
F_PADDED = register(
    "mrz.format.line_padded",
    "warning",
    N_("Line {line} was too short; padded with '<'."),
)
F_ORDER = register(
    "mrz.format.line_order",
    "warning",
    N_("MRZ lines were in the wrong order; reordered."),
)
F_DOC_CODE = register(
    "mrz.document_code.unexpected",
    "warning",
    N_("Document code '{value}' is unusual for format {fmt}."),
)
F_DOC_CODE_BAD = register(
    "mrz.document_code.invalid",
    "critical",
    N_("Document code '{value}' is invalid."),
)
F_STATE = register(
    "mrz.issuing_state.unknown",
    "critical",
    N_("Unknown issuing state code '{value}'."),
)
F_NAT = register(
    "mrz.nationality.unknown",
    "critical",
    N_("Unknown nationality code '{value}'."),
)
F_NAME_SEP = register(
    "mrz.name.no_separator",
    "warning",
    N_("Name has no '<<' separator; all of it is taken as the surname."),
)
F_NAME_TRUNC = register(
    "mrz.name.truncated",
    "info",
    N_("The name fills the whole field and may be truncated."),
)
F_NAME_CHARS = register(
    "mrz.name.invalid_characters",
    "critical",
    N_("The MRZ name contains digits."),
)
F_NAME_EMPTY = register(
    "mrz.name.empty", "critical", N_("The MRZ name is empty.")
)
F_DOCNUM_EMPTY = register(
    "mrz.document_number.empty",
    "critical",
    N_("The document number is empty."),
)
F_DOCNUM_FILLER = register(
    "mrz.document_number.internal_filler",
    "critical",
    N_("The document number contains '<' in the middle."),
)
F_LONG_DOCNUM = register(
    "mrz.document_number.long",
    "info",
    N_("Long document number (continues in the optional data field)."),
)
F_LONG_DOCNUM_BAD = register(
    "mrz.document_number.long_malformed",
    "critical",
    N_("Long document number is malformed in the optional data field."),
)
F_SEX = register(
    "mrz.sex.invalid",
    "critical",
    N_("Invalid sex code '{value}'."),
)
F_SEX_UNSPEC = register(
    "mrz.sex.unspecified",
    "info",
    N_("Sex is unspecified."),
)
F_DATES_ORDER = register(
    "mrz.dates.birth_after_expiry",
    "critical",
    N_("Birth date is after the expiry date."),
)
F_EXPIRED = register(
    "mrz.expiry_date.expired",
    "warning",
    N_("The document has expired ({value})."),
)
F_OCR = register(
    "mrz.ocr_corrected",
    "warning",
    N_("OCR correction in {field}: '{old}' -> '{new}'."),
)
F_EXTRACTED = register(
    "mrz.input.extracted",
    "warning",
    N_("MRZ block found inside other text; {count} other line(s) ignored."),
)
F_SPECIMEN = register(
    "mrz.specimen",
    "info",
    N_("'{value}' is the ICAO specimen state: this is a specimen, not a real document."),
)
F_ISSUER_VARIANT = register(
    "mrz.document_number.issuer_variant",
    "warning",
    N_("Document number check digit follows an issuer variant: {variant}."),
)
F_NOT_ICAO = register(
    "mrz.format.not_icao",
    "warning",
    N_("Not an ICAO MRZ: {layout}; read with the national layout."),
)
_DATE_FIELDS = ("birth_date", "expiry_date")
F_DATE_INVALID = {
    "birth_date": register(
        "mrz.date.birth_date.invalid", "critical", N_("Invalid birth date: '{value}'.")
    ),
    "expiry_date": register(
        "mrz.date.expiry_date.invalid", "critical", N_("Invalid expiry date: '{value}'.")
    ),
}
F_BIRTH_UNKNOWN = register(
    "mrz.date.birth_date.unknown",
    "warning",
    N_("Birth date is (partly) unknown ('<<')."),
)
F_CHECK = {
    n: register(f"mrz.check_digit.{n}", "critical", message)
    for n, message in {
        "document_number": N_(
            "Wrong check digit for document number: found '{found}', expected '{expected}'."
        ),
        "birth_date": N_(
            "Wrong check digit for birth date: found '{found}', expected '{expected}'."
        ),
        "expiry_date": N_(
            "Wrong check digit for expiry date: found '{found}', expected '{expected}'."
        ),
        "optional_data": N_(
            "Wrong check digit for optional data: found '{found}', expected '{expected}'."
        ),
        "composite": N_(
            "Wrong check digit for composite: found '{found}', expected '{expected}'."
        ),
    }.items()
}
