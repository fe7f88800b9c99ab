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
    # (the rarest token where a birth date is missing is a rule at every size)
    assert not any(b in set(blocking.LOOSE_BLOCKS) - set(blocking.SCALE_BLOCKS) for b in blocks)
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


def _splink_pairs(frame: pd.DataFrame, cols: tuple[str, ...]) -> set[tuple[str, str]]:
    """The pairs the Splink rule of ``cols`` joins, run as SQL on DuckDB."""
    import duckdb

    con = duckdb.connect()
    con.register("f", frame.drop(columns=["name_tokens"]))
    out: set[tuple[str, str]] = set()
    for rule in blocking.blocking_rules([cols]):
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        got = con.execute(f"SELECT l.unique_id, r.unique_id FROM f l JOIN f r ON {sql} "
                          "WHERE l.unique_id < r.unique_id").fetchall()
        out |= {(str(a), str(b)) for a, b in got}
    return out


def _missing_dob_records() -> list[PersonRecord]:
    recs = [PersonRecord("A", "Sukirman Hadi", None, "M"),
            PersonRecord("B", "Sukriman Hadi", date(1971, 3, 2), "M"),
            PersonRecord("C", "Sukarno Hadiwijaya", date(1980, 5, 6), "M"),
            PersonRecord("D", "Imsail Kurniawati", None, "F"),
            PersonRecord("E", "Ismail Kurniawati", date(1990, 1, 7), "F")]
    return recs + [PersonRecord(f"X{i}", f"Orang{i} Lain{i}",
                                date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "F")
                   for i in range(40)]


def test_a_record_without_a_birth_date_and_a_name_typo_is_blocked_at_scale(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"Sukirman Hadi" (no birth date) / "Sukriman Hadi": every base rule but name + sex
    needs a birth date, the typo breaks the joined name, so at scale nothing paired them
    (issue #13: most of the true pairs never compared at 200,000 records). The filtered rule
    pairs the same first and last three letters where a birth date is missing - and not two
    records that both have one ("Sukriman Hadi" / "Sukarno Hadiwijaya")."""
    frame = feature_frame(_missing_dob_records())
    monkeypatch.setattr(blocking, "LOOSE_BLOCKING_MAX", 10)
    blocks = blocking.choose_blocks([frame])
    pairs = set().union(*(_splink_pairs(frame, cols) for cols in blocks))
    assert ("A", "B") in pairs
    assert ("A", "C") in pairs  # one birth date missing: compared, the scores decide
    assert ("B", "C") not in pairs


def test_one_birth_date_missing_rule_cost_counts_the_pairs_it_joins() -> None:
    frame = feature_frame(_missing_dob_records())
    for cols in (("first3", "last3", blocking.ONE_DOB_MISSING),
                 ("rare_phon", blocking.ONE_DOB_MISSING)):
        assert blocking.block_cost([frame], cols) == len(_splink_pairs(frame, cols))
    left, right = feature_frame(_missing_dob_records()[:3]), feature_frame(
        _missing_dob_records()[1:5])
    # a linkage: left A (no date) x right B, C; left B, C x right (none without a date)
    assert blocking.block_cost([left, right], ("first3", "last3", blocking.ONE_DOB_MISSING)
                               ) == 2


def test_the_rarest_token_alone_pairs_only_where_a_birth_date_is_missing() -> None:
    """Below 100,000 records the rarest token alone paired everyone sharing it (453,000 of
    the ~0.85 M blocked pairs at 20,000 records, issue #13 round 6): "Budi Wiryawan" born 1980
    and "Wiryawan Hadi" born 1995 on another day are no longer paired, "Hadi Wiryawan" without
    a birth date still is."""
    recs = [PersonRecord("A", "Budi Wiryawan", date(1980, 1, 2), "M"),
            PersonRecord("B", "Wiryawan Hadi", date(1995, 7, 19), "M"),
            PersonRecord("C", "Hadi Wiryawan", None, "M")]
    recs += [PersonRecord(f"X{i}", f"{('Budi', 'Hadi')[i % 2]} Orang{i}",
                          date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "F") for i in range(40)]
    frame = feature_frame(recs)
    blocks = blocking.choose_blocks([frame])
    assert ("rare_phon", blocking.ONE_DOB_MISSING) in blocks
    pairs = set().union(*(_splink_pairs(frame, cols) for cols in blocks))
    assert ("A", "B") not in pairs
    assert ("A", "C") in pairs
