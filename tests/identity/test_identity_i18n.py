"""Identity findings go through gettext only: English msgids in code, Indonesian in the catalogue."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir

import waspada.identity.consistency  # noqa: F401 - registers its finding codes
import waspada.identity.passport  # noqa: F401
import waspada.identity.reading  # noqa: F401
from waspada.identity.findings import REGISTRY
from waspada.identity.mrz import parse_mrz
from waspada.identity.passport import check_validity
from waspada.platform.i18n import translate

IDENTITY = Path(__file__).resolve().parents[2] / "src" / "waspada" / "identity"
#: Indonesian function words that do not occur in English prose.
INDONESIAN_WORDS = re.compile(
    r"(?i)\b(tidak|yang|dengan|tanggal|dan|atau|harus|berupa|sudah|kosong|di|ke|dari|untuk|"
    r"belum|sebelum|setelah|kolom|nomor|dokumen|paspor|nama|berbeda|lahir|diabaikan)\b"
)
#: ``path:line`` of string literals allowed to hold Indonesian words (data, not UI prose);
#: each needs a comment in the source saying why.
ALLOWED: set[str] = set()
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_indonesian_prose_in_identity_code() -> None:
    offenders = []
    for path in sorted(IDENTITY.rglob("*.py")):
        for line, text in _literals(path):
            where = f"{path.relative_to(IDENTITY)}:{line}"
            if " " in text.strip() and len(INDONESIAN_WORDS.findall(text)) >= 2 \
                    and where not in ALLOWED:
                offenders.append(f"{where}: {text[:60]!r}")
    assert not offenders, "Indonesian text belongs in the gettext catalogue: " + "; ".join(
        offenders[:10])


def test_every_finding_template_is_extracted_and_translated() -> None:
    extracted = {
        message if isinstance(message, str) else message[0]
        for _f, _l, message, _c, _ctx in extract_from_dir(
            str(IDENTITY), method_map=[("**.py", "python")], keywords={"N_": None})
    }
    assert len(REGISTRY) > 60
    for code, spec in REGISTRY.items():
        assert spec.message in extracted, f"{code}: msgid not marked with N_(): {spec.message!r}"
        indonesian = translate(spec.message, "id")
        assert indonesian != spec.message, f"{code}: no Indonesian translation"
        assert set(PLACEHOLDER.findall(indonesian)) == set(PLACEHOLDER.findall(spec.message)), code


def test_translated_parameters_follow_the_language() -> None:
    french = parse_mrz("IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013\n"
                       "0506932020438CHRISTIANE<<NI2906209F3")
    hit = [f for f in french.findings if f.code == "mrz.format.not_icao"]
    assert hit, [f.code for f in french.findings]
    assert "Prancis" in hit[0].message("id") and "French" in hit[0].message("en")
    assert "Prancis" in hit[0].to_dict("id")["message"]
    assert "French" in hit[0].to_dict("en")["message"]

    too_long = check_validity(date(2023, 1, 1), date(2033, 1, 1), date(2010, 1, 1), False)
    [finding] = [f for f in too_long if f.code == "passport.validity.too_long"]
    assert finding.message_id.endswith("(di bawah 17 tahun dan belum kawin).")
    assert finding.message_en.endswith("(under 17 and unmarried).")


def test_a_day_in_a_finding_reads_dd_mm_yyyy_in_indonesian_and_iso_in_english() -> None:
    from waspada.identity.mrz_findings import F_EXPIRED

    finding = F_EXPIRED(field="expiry_date", value="2012-04-15")
    assert "(15-04-2012)" in finding.message("id") and "2012-04-15" not in finding.message("id")
    assert "(2012-04-15)" in finding.message("en")  # API clients parse the English form
