"""Tolerant name search for the person search box (matching/namesearch.py)."""

from __future__ import annotations

from waspada.matching.namesearch import name_match


def test_misspelt_whole_names_match() -> None:
    assert name_match("Supriadi Wijaja", "Supriyadi Wijaya") >= 0.8
    assert name_match("Siti Nurhaliza", "Siti Nurhaliza binti Ahmad") > 0


def test_partial_names_match_below_full_names() -> None:
    partial = name_match("Budi", "Budi Nugroho")
    assert 0 < partial < name_match("Budi Nugroho", "Budi Nugroho")


def test_other_people_do_not_match() -> None:
    assert name_match("Budi", "Dadang Hidayat") == 0
    assert name_match("Sri Utomo", "Slamet Hartono") == 0
    assert name_match("", "Budi") == 0
