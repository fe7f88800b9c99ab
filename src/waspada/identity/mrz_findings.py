"""The coded findings of the MRZ parser (one declaration each: code, severity, Indonesian and
English message). Kept apart from :mod:`waspada.identity.mrz` so the parser reads as a parser."""

from __future__ import annotations

from waspada.identity.findings import register

F_EMPTY = register("mrz.input.empty", "critical", "MRZ kosong.", "MRZ is empty.")
F_TYPE = register(
    "mrz.input.type", "critical", "MRZ harus berupa teks.", "MRZ input must be text."
)
F_TOO_LONG = register(
    "mrz.input.too_long",
    "critical",
    "Input terlalu panjang untuk MRZ ({length} karakter).",
    "Input is too long to be an MRZ ({length} characters).",
)
F_WHITESPACE = register(
    "mrz.input.whitespace",
    "info",
    "Spasi atau baris kosong diabaikan.",
    "Stray whitespace or blank lines were ignored.",
)
F_LOWERCASE = register(
    "mrz.input.lowercase",
    "warning",
    "MRZ mengandung huruf kecil; diubah ke huruf besar.",
    "MRZ contained lower-case letters; converted to upper case.",
)
F_CHARS = register(
    "mrz.input.invalid_characters",
    "critical",
    "Karakter tidak sah di MRZ baris {line}: {chars}",
    "Invalid characters in MRZ line {line}: {chars}",
)
F_FORMAT = register(
    "mrz.format.unknown",
    "critical",
    "Format MRZ tidak dikenal (panjang baris: {lengths}).",
    "Unknown MRZ format (line lengths: {lengths}).",
)
F_PADDED = register(
    "mrz.format.line_padded",
    "warning",
    "Baris {line} terlalu pendek; dilengkapi dengan '<'.",
    "Line {line} was too short; padded with '<'.",
)
F_ORDER = register(
    "mrz.format.line_order",
    "warning",
    "Urutan baris MRZ salah; sudah diperbaiki.",
    "MRZ lines were in the wrong order; reordered.",
)
F_DOC_CODE = register(
    "mrz.document_code.unexpected",
    "warning",
    "Kode dokumen '{value}' tidak lazim untuk format {fmt}.",
    "Document code '{value}' is unusual for format {fmt}.",
)
F_DOC_CODE_BAD = register(
    "mrz.document_code.invalid",
    "critical",
    "Kode dokumen '{value}' tidak sah.",
    "Document code '{value}' is invalid.",
)
F_STATE = register(
    "mrz.issuing_state.unknown",
    "critical",
    "Kode negara penerbit '{value}' tidak dikenal.",
    "Unknown issuing state code '{value}'.",
)
F_NAT = register(
    "mrz.nationality.unknown",
    "critical",
    "Kode kewarganegaraan '{value}' tidak dikenal.",
    "Unknown nationality code '{value}'.",
)
F_NAME_SEP = register(
    "mrz.name.no_separator",
    "warning",
    "Nama tanpa pemisah '<<'; seluruhnya dianggap nama keluarga.",
    "Name has no '<<' separator; all of it is taken as the surname.",
)
F_NAME_TRUNC = register(
    "mrz.name.truncated",
    "info",
    "Nama mengisi seluruh kolom dan mungkin terpotong.",
    "The name fills the whole field and may be truncated.",
)
F_NAME_CHARS = register(
    "mrz.name.invalid_characters",
    "critical",
    "Nama di MRZ mengandung angka.",
    "The MRZ name contains digits.",
)
F_NAME_EMPTY = register(
    "mrz.name.empty", "critical", "Nama di MRZ kosong.", "The MRZ name is empty."
)
F_DOCNUM_EMPTY = register(
    "mrz.document_number.empty",
    "critical",
    "Nomor dokumen kosong.",
    "The document number is empty.",
)
F_DOCNUM_FILLER = register(
    "mrz.document_number.internal_filler",
    "critical",
    "Nomor dokumen mengandung '<' di tengah.",
    "The document number contains '<' in the middle.",
)
F_LONG_DOCNUM = register(
    "mrz.document_number.long",
    "info",
    "Nomor dokumen panjang (berlanjut di data opsional).",
    "Long document number (continues in the optional data field).",
)
F_LONG_DOCNUM_BAD = register(
    "mrz.document_number.long_malformed",
    "critical",
    "Nomor dokumen panjang tidak lengkap di data opsional.",
    "Long document number is malformed in the optional data field.",
)
F_SEX = register(
    "mrz.sex.invalid",
    "critical",
    "Kode jenis kelamin '{value}' tidak sah.",
    "Invalid sex code '{value}'.",
)
F_SEX_UNSPEC = register(
    "mrz.sex.unspecified",
    "info",
    "Jenis kelamin tidak dicantumkan.",
    "Sex is unspecified.",
)
F_DATES_ORDER = register(
    "mrz.dates.birth_after_expiry",
    "critical",
    "Tanggal lahir setelah tanggal habis berlaku.",
    "Birth date is after the expiry date.",
)
F_EXPIRED = register(
    "mrz.expiry_date.expired",
    "warning",
    "Dokumen sudah habis berlaku ({value}).",
    "The document has expired ({value}).",
)
F_OCR = register(
    "mrz.ocr_corrected",
    "warning",
    "Koreksi OCR pada {field}: '{old}' menjadi '{new}'.",
    "OCR correction in {field}: '{old}' -> '{new}'.",
)
F_EXTRACTED = register(
    "mrz.input.extracted",
    "warning",
    "Blok MRZ ditemukan di dalam teks lain; {count} baris lain diabaikan.",
    "MRZ block found inside other text; {count} other line(s) ignored.",
)
F_SPECIMEN = register(
    "mrz.specimen",
    "info",
    "Negara '{value}' adalah negara contoh ICAO (spesimen), bukan dokumen asli.",
    "'{value}' is the ICAO specimen state: this is a specimen, not a real document.",
)
F_ISSUER_VARIANT = register(
    "mrz.document_number.issuer_variant",
    "warning",
    "Digit periksa nomor dokumen mengikuti varian penerbit: {variant_id}.",
    "Document number check digit follows an issuer variant: {variant_en}.",
)
F_NOT_ICAO = register(
    "mrz.format.not_icao",
    "warning",
    "Bukan MRZ ICAO: {layout_id}; dibaca dengan tata letak nasional.",
    "Not an ICAO MRZ: {layout_en}; read with the national layout.",
)
_DATE_FIELDS = ("birth_date", "expiry_date")
F_DATE_INVALID = {
    n: register(
        f"mrz.date.{n}.invalid",
        "critical",
        f"Tanggal {'lahir' if n == 'birth_date' else 'habis berlaku'} tidak sah: '{{value}}'.",
        f"Invalid {n.replace('_', ' ')}: '{{value}}'.",
    )
    for n in _DATE_FIELDS
}
F_BIRTH_UNKNOWN = register(
    "mrz.date.birth_date.unknown",
    "warning",
    "Tanggal lahir tidak diketahui (sebagian diisi '<<').",
    "Birth date is (partly) unknown ('<<').",
)
_CHECK_FIELDS = {
    "document_number": ("nomor dokumen", "document number"),
    "birth_date": ("tanggal lahir", "birth date"),
    "expiry_date": ("tanggal habis berlaku", "expiry date"),
    "optional_data": ("data opsional", "optional data"),
    "composite": ("gabungan (komposit)", "composite"),
}
F_CHECK = {
    n: register(
        f"mrz.check_digit.{n}",
        "critical",
        f"Digit periksa salah untuk {label_id}: tertulis '{{found}}', seharusnya '{{expected}}'.",
        f"Wrong check digit for {label_en}: found '{{found}}', expected '{{expected}}'.",
    )
    for n, (label_id, label_en) in _CHECK_FIELDS.items()
}
