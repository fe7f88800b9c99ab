"""Blocking above the size where the loose rules stop (issue #13 item 3: recall at scale)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from waspada.matching import blocking
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import feature_frame


def _blocked_together(frame: pd.DataFrame, blocks: list[tuple[str, ...]], a: str, b: str
                      ) -> bool:
    rows = frame.set_index("unique_id")
    return any(all(pd.notna(rows.at[a, c]) and rows.at[a, c] == rows.at[b, c] for c in cols)
               for cols in blocks)


def test_a_typo_in_a_mononym_is_blocked_at_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    """"Sukrman" / "SUKIRMAN" born the same day: no base rule pairs them (the first and the
    rarest token differ), the loose rules did below 100,000 records; above, the tighter
    birth date + first three letters rule does."""
    born = date(1998, 10, 31)
    recs = [PersonRecord("A", "Sukrman", born, "M"), PersonRecord("B", "SUKIRMAN", born, "M"),
            PersonRecord("C", "Paijo Santoso", date(1974, 4, 10), "M"),
            PersonRecord("D", "Paljo Santoso", date(1974, 4, 10), "M")]
    recs += [PersonRecord(f"X{i}", f"Orang{i} Lain{i}", date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                          "F") for i in range(40)]
    frame = feature_frame(recs)
    monkeypatch.setattr(blocking, "LOOSE_BLOCKING_MAX", 10)  # "at scale" for this small file
    blocks = blocking.choose_blocks([frame])
    assert not any(b in blocking.LOOSE_BLOCKS for b in blocks)
    assert _blocked_together(frame, blocks, "A", "B")
    assert _blocked_together(frame, blocks, "C", "D")


def test_a_common_given_name_does_not_block_everyone_with_everyone() -> None:
    """2,000 women called "Siti <surname>" with distinct surnames: the second-rarest token is
    "siti" for all of them; blocked alone it paired everyone with everyone (2 M pairs, two
    thirds of the prediction at 20,000 records, issue #13). With the birth day or year it
    pairs only those born the same day of the year or the same year."""
    def surname(i: int) -> str:  # distinct, with distinct first letters
        return "".join(chr(97 + (i // 26 ** k) % 26) for k in range(3)) + "wati"

    recs = [PersonRecord(f"S{i}", f"Siti {surname(i)}", date(1950 + i % 50, 1 + i % 12,
                                                             1 + i % 28), "F")
            for i in range(2_000)]
    frame = feature_frame(recs)
    blocks = blocking.choose_blocks([frame])
    assert sum(blocking.block_cost([frame], b) for b in blocks) < 200_000
