"""What the offers threshold studies read, written once (``offers_model_floor.py``,
``offers_genre.py``): the paths, the out-of-fold split of the authored train items, the real
parts (``offers.py``'s ``REAL_PARTS``, development data) and the SMS set's normal + promo
messages. Importing it puts ``src`` (and ``bench``) on ``sys.path``, as the scripts did."""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

FOLDS = 5
DATA = ROOT / "data" / "offers"
SMS = ROOT.parent / "shared" / "data" / "sms-id-2016" / "dataset_sms_spam_v1.csv"


def fold_of(item_id: str) -> int:
    """The out-of-fold fold of an authored train item: SHA-256 of the id, hex 8-16, mod 5."""
    return int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[8:16], 16) % FOLDS


def real_parts(skip: tuple[str, ...] | list[str] = ()) -> list[tuple[str, list[dict[str, object]]]]:
    """(part, items) of every real part ``bench/offers.py`` reports, but those in ``skip``."""
    from offers import REAL_PARTS, real_items

    return [(part, real_items(part)) for part, _ in REAL_PARTS if part not in skip]


def sms_texts() -> list[str] | None:
    """The SMS set's normal + promo messages (labels 0 and 2); None when it is not there."""
    if not SMS.is_file():
        return None
    with SMS.open(encoding="utf-8") as fh:
        return [r["Teks"] for r in csv.DictReader(fh) if r["label"] in ("0", "2")]
