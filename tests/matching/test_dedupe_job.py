"""Defect 10 of issue #16: the dedupe page runs as a background job; a bad threshold or a
missing file re-shows the form with the problem next to the field; errors name their cause
(in Indonesian) and are logged without personal data; the page shows the CSV format with an
example file; the review page numbers runs and clusters apart and gives each cluster a score
and its reasons; and the engine needs nothing beyond the runtime dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from sqlalchemy import func, select

from tests.jobs_helpers import job_id_of, run_job_page
from waspada.matching import pipeline
from waspada.matching.records import records_from_bytes
from waspada.platform.db import session_scope
from waspada.platform.jobs import store

ROOT = Path(__file__).resolve().parents[2]


def _run(client, data: dict[str, str], file: bytes | None = b""):  # type: ignore[no-untyped-def]
    files = {"file": ("p.csv", file, "text/csv")} if file is not None else None
    return client.post("/dedupe/run", data={"csrf_token": client.cookies["waspada_csrf"],
                                            **data}, files=files, follow_redirects=False)


def _jobs() -> int:
    with session_scope() as db:
        return db.scalar(select(func.count(store.Job.id))) or 0


@pytest.mark.parametrize("threshold", ["abc", "1.5", "0", "nan", "-1"])
def test_a_bad_threshold_reshows_the_form_with_the_error_at_the_field(role_clients,  # type: ignore[no-untyped-def]
                                                                      threshold: str) -> None:
    analyst = role_clients["analyst"]
    before = _jobs()
    page = _run(analyst, {"origin": "database", "threshold": threshold})
    assert page.status_code == 400  # before: a bare 422 page, the form lost
    assert 'id="dedupe-form"' in page.text
    error = re.search(r'id="threshold-error">([^<]+)<', page.text)
    assert error and "Ambang" in error.group(1), page.text[-3000:]
    assert f'name="threshold" value="{threshold}"' in page.text
    assert '<option value="database" selected>' in page.text
    assert _jobs() == before


def test_a_missing_or_unreadable_file_is_named_next_to_the_file_field(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    page = _run(analyst, {"origin": "upload", "threshold": "0.7"}, file=None)
    assert page.status_code == 400
    assert re.search(r'id="file-error">Pilih berkas CSV', page.text)
    assert 'name="threshold" value="0.7"' in page.text
    page = _run(analyst, {"origin": "upload", "threshold": "0.7"},
                file=b"record_id,full_name\n1,Siti\n1,Sari\n")
    assert page.status_code == 400 and 'id="file-error"' in page.text
    assert "Baris 3" in page.text and "record_id" in page.text


def test_the_page_explains_the_csv_format_with_an_example_file(role_clients) -> None:  # type: ignore[no-untyped-def]
    analyst = role_clients["analyst"]
    page = analyst.get("/dedupe")
    assert 'id="format-hint"' in page.text and "record_id,full_name,birth_date" in page.text
    example = analyst.get("/dedupe/example.csv")
    assert example.status_code == 200 and example.headers["content-type"].startswith("text/csv")
    assert len(records_from_bytes(example.content, source="example")) == 4
    assert role_clients["checkpoint_officer"].get("/dedupe/example.csv").status_code == 403


def test_an_engine_failure_names_step_and_cause_and_logs_no_personal_data(  # type: ignore[no-untyped-def]
        role_clients, person_file, monkeypatch, caplog) -> None:
    def broken(records, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["progress"]("predicting pairs")
        raise ValueError(f"bad value for {records[0].full_name}")

    monkeypatch.setattr(pipeline, "dedupe", broken)
    analyst = role_clients["analyst"]
    path, _ = person_file
    first_name = path.read_text().splitlines()[1].split(",")[1]
    started = _run(analyst, {"origin": "upload", "threshold": "0.9"}, file=path.read_bytes())
    with caplog.at_level("ERROR"):
        page = run_job_page(analyst, started)
    problem = re.search(r'id="job-problem">([^<]+)<', page.text)
    assert problem, page.text[-2000:]
    assert "menilai pasangan data" in problem.group(1) and "ValueError" in problem.group(1)
    assert "Deduplikasi gagal" in problem.group(1)  # before: "Deduplikasi gagal." and nothing
    assert "ValueError" in caplog.text and "predicting pairs" in caplog.text
    assert first_name not in caplog.text


def test_a_missing_engine_package_is_named(role_clients, person_file, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "waspada.matching.pipeline", None)
    analyst = role_clients["analyst"]
    path, _ = person_file
    page = run_job_page(analyst, _run(analyst, {"origin": "upload", "threshold": "0.9"},
                                      file=path.read_bytes()))
    assert "Mesin deduplikasi belum terpasang" in page.text
    assert "waspada.matching.pipeline" in page.text


def test_a_run_is_reviewed_with_run_and_cluster_numbers_score_and_reasons(  # type: ignore[no-untyped-def]
        role_clients, person_file) -> None:
    analyst = role_clients["analyst"]
    path, _ = person_file
    started = _run(analyst, {"origin": "upload", "threshold": "0.9"}, file=path.read_bytes())
    job_id = job_id_of(started)
    waiting = analyst.get(f"/jobs/{job_id}")
    assert "Menunggu giliran" in waiting.text and 'http-equiv="refresh"' in waiting.text
    job = run_job_page(analyst, started)
    link = re.search(r'href="(/dedupe/runs/(\d+))" id="result-link"', job.text)
    assert link, job.text[-2000:]
    run_id = link.group(2)
    assert f"Proses #{run_id}" in job.text
    review = analyst.get(link.group(1))
    assert f"Tinjau klaster — Proses #{run_id}" in review.text
    assert re.search(r"Klaster 1 dari \d+", review.text)
    scores = [float(s.replace(",", ".")) for s in re.findall(r'class="cluster-score">([0-9,]+)<',
                                                                review.text)]
    assert scores and all(0.0 < s <= 1.0 for s in scores)
    reasons = re.findall(r'class="cluster-reason">([^<]+)<', review.text)
    assert len(reasons) == len(scores) and all("tanggal lahir" in r for r in reasons)
    assert any("NIK sama" in r or "bagian nama yang cocok" in r for r in reasons)
    runs = analyst.get("/dedupe").text
    assert f'href="/dedupe/runs/{run_id}">Proses #{run_id}</a>' in runs


def _closure(names: list[str]) -> set[str]:
    """The distributions ``names`` need, with their own requirements (no extras)."""
    seen: set[str] = set()
    todo = [n.lower().replace("_", "-") for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            reqs = requires(name) or []
        except PackageNotFoundError:
            continue
        for raw in reqs:
            req = Requirement(raw)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            todo.append(req.name.lower().replace("_", "-"))
    return seen


def test_the_dedupe_engine_needs_only_the_runtime_dependencies() -> None:
    """`make run` installs the runtime dependencies only; the dedupe job's imports (Splink,
    pandas, DuckDB...) must all come from them (before: pandas was missing after make run)."""
    def top_modules(imports: str) -> set[str]:
        code = ("import sys" + imports + "; print(' '.join(sorted({m.split('.')[0] "
                "for m in sys.modules})))")
        return set(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, check=True, timeout=120).stdout.split())

    # what the interpreter loads by itself (site hooks such as setuptools' _distutils_hack)
    # is not the engine's doing
    loaded = top_modules(", waspada.matching.pipeline, waspada.matching.dedupejob, "
                         "waspada.matching.service") - top_modules("")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _closure([Requirement(d).name for d in project["dependencies"]])
    dists = packages_distributions()
    outside = {d.lower().replace("_", "-") for module in loaded
               for d in dists.get(module, [])} - runtime - {"waspada"}
    assert not outside, f"the dedupe imports packages outside the runtime deps: {outside}"


def test_an_empty_threshold_lets_the_run_choose_it_and_the_job_says_which(  # type: ignore[no-untyped-def]
        role_clients, person_file) -> None:
    analyst = role_clients["analyst"]
    form = analyst.get("/dedupe").text
    # 0.5 by default, in the reader's separator (walk21: it showed "0.5" and refused "0,9")
    assert 'name="threshold" value="0,5" placeholder="otomatis"' in form
    path, _ = person_file
    job = run_job_page(analyst, _run(analyst, {"origin": "upload", "threshold": ""},
                                     file=path.read_bytes()))
    # numbers with the Indonesian decimal comma (walk task17 read "0.9340" on the job page)
    line = re.search(r"Ambang ([0-9,]+), dipilih otomatis agar perkiraan presisi paling sedikit "
                     r"0,99: perkiraan presisi ([01],[0-9]+), perkiraan recall ([0-9,]+)\.", job.text)
    assert line, job.text[-3000:]
    chosen, precision = (float(line.group(i).replace(",", ".")) for i in (1, 2))
    assert 0.5 <= chosen <= 1.0 and precision >= 0.99
    link = re.search(r'href="(/dedupe/runs/(\d+))" id="result-link"', job.text)
    assert link
    review = analyst.get(link.group(1)).text
    stored = re.search(r"Ambang: ([0-9,]+)\.", review)  # the run keeps the threshold used
    assert stored and abs(float(stored.group(1).replace(",", ".")) - chosen) < 1e-6
    # the review page in the reader's words too: "0,2" and "Perempuan", not "0.2" and "F"
    assert "dari 0,2 sampai ambang" in review and "<td>F</td>" not in review
    assert "<td>Perempuan</td>" in review or "<td>Laki-laki</td>" in review
