"""The in-memory watchlist index: candidates, ranking, updates."""

from __future__ import annotations

from datetime import date

from waspada.demo.synthetic import generate_people
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord as R


def _watchlist() -> list[R]:
    people = [R(p.record_id, p.full_name, p.birth_date, p.sex, nik=p.nik)
              for p in generate_people(2000, seed=3)]
    people.append(R("W-1", "Muhammad Rizki bin Ahmad", date(1990, 5, 17), "M"))
    people.append(R("W-2", "Nur Hidayah", date(1992, 11, 20), "F"))
    return people


def test_finds_variants_ranked_first_with_explanation() -> None:
    idx = WatchlistIndex.build(_watchlist())
    m = idx.search(R("q", "H. Moch. Rizky", date(1991, 5, 17), "M"), top=3)
    assert m and m[0].record_id == "W-1"
    assert m[0].explanation["birth_date"]["relation"] == "one_year_shift"
    assert 0.0 <= m[0].score <= 1.0
    m = idx.search(R("q", "Nurhidayah", None, "F"), top=3)
    assert m and m[0].record_id == "W-2"
    assert [x.score for x in m] == sorted((x.score for x in m), reverse=True)


def test_no_match_for_a_stranger_and_threshold_respected() -> None:
    idx = WatchlistIndex.build(_watchlist())
    assert idx.search(R("q", "Zzyzx Qwerty", date(1970, 1, 2)), threshold=0.5) == []
    assert all(m.score >= 0.9 for m in idx.search(R("q", "Nur Hidayah"), threshold=0.9))


def test_add_and_remove_update_the_index() -> None:
    idx = WatchlistIndex.build(_watchlist())
    q = R("q", "Fransiskus Xaverius Lumenta", date(1979, 8, 8), "M")
    assert not idx.search(q)
    v = idx.version
    idx.add(R("W-3", "Fransiskus Xaverius Lumenta", date(1979, 8, 8), "M"))
    assert idx.search(q)[0].record_id == "W-3" and idx.version > v
    assert idx.remove("W-3") and not idx.search(q)
    assert not idx.remove("W-3")


def test_identifier_candidates_without_name_agreement() -> None:
    idx = WatchlistIndex.build([R("P-1", "Bambang Sutrisno", date(1970, 1, 5), "M",
                                  passport_no="C7654321")])
    m = idx.search(R("q", "B. Sutrisno", None, passport_no="C7654321"))
    assert m and m[0].record_id == "P-1" and m[0].explanation["passport"]["outcome"] == "agree"


def test_pruned_scoring_returns_what_exhaustive_scoring_returns() -> None:
    """Candidates that cannot reach the threshold are skipped before the name comparison;
    the results must be exactly those of scoring every candidate in full."""
    from waspada.matching.features import features_of
    from waspada.matching.scorer import list_prior, score_pair

    wl = _watchlist()
    idx = WatchlistIndex.build(wl)
    far = features_of(R("a", "Siti Aminah", date(1960, 1, 1), "F"))
    near = features_of(R("b", "Siti Aminah", date(1990, 1, 1), "F", nik="3201014101900001"))
    same_nik = features_of(R("c", "Aminah", date(1990, 1, 1), "F", nik="3201014101900001"))
    assert score_pair(far, near, idx.freq, explain=False, floor=0.5) is None
    assert score_pair(same_nik, near, idx.freq, explain=False, floor=0.5) is not None
    for q in wl[::97]:
        qf = features_of(q, keep_record=False)
        for threshold in (0.1, 0.5, 0.9):
            full = []
            for pos in idx.candidates(qf):
                c = idx._feats[pos]
                assert c is not None
                r = score_pair(qf, c, idx.freq, explain=False, prior=list_prior(len(idx)),
                               name_cap=idx.common_name_cap(c))
                if r.score >= threshold:
                    full.append((c.record_id, r.score))
            full.sort(key=lambda t: (-t[1], t[0]))
            got = [(m.record_id, m.score) for m in idx.search(q, top=5, threshold=threshold)]
            assert got == full[:5]
