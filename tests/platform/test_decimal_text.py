"""``templating._is_decimal_text`` (the ``decimal_params`` filter's test for a number written as
text) answers as the regex ``-?\\d+\\.\\d+…?`` did, in linear time (the regex guard found the
regex quadratic on long digit runs)."""

from __future__ import annotations

import re
import time

from hypothesis import given
from hypothesis import strategies as st

from waspada.platform.templating import _is_decimal_text

_OLD = re.compile(r"-?\d+\.\d+…?")


@given(st.text(alphabet="0123456789.-…a٣", max_size=12))
def test_it_answers_as_the_regex_did(value: str) -> None:
    assert _is_decimal_text(value) == bool(_OLD.fullmatch(value))


def test_it_is_linear_on_long_digit_runs() -> None:
    start = time.process_time()
    for n in (10_000, 100_000):
        assert not _is_decimal_text("-" + "1" * n + "x")
        assert _is_decimal_text("1" * n + "." + "2" * n)
    assert time.process_time() - start < 0.5


def test_a_jobs_counts_are_grouped_in_the_readers_numbers_and_ids_stay_text() -> None:
    """A job's stored result line reads "20.000 data" in Indonesian, "20,000" in English
    (round 24: "20000" before); a run id is stored as text and stays "1234"; a decimal
    written as text takes the reader's separator; booleans and other values as they are."""
    from waspada.platform import i18n
    from waspada.platform.templating import _decimal_params

    params = {"n": 20000, "c": 7, "run": "1234", "p": "0.9340", "flag": True, "neg": -12345}
    for lang, want in (("id", {"n": "20.000", "c": "7", "run": "1234", "p": "0,9340",
                                "flag": True, "neg": "-12.345"}),
                       ("en", {"n": "20,000", "c": "7", "run": "1234", "p": "0.9340",
                               "flag": True, "neg": "-12,345"})):
        token = i18n.current_language.set(lang)
        try:
            assert _decimal_params(params) == want
            # a summary stored before round 25 holds the run id as a number: still "Proses #1234"
            assert _decimal_params({"run": 1234, "case_id": 56789}) == {
                "run": "1234", "case_id": "56789"}
        finally:
            i18n.current_language.reset(token)
