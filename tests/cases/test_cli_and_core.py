"""CLI commands, HTCDS shaping, visibility and retention rules (pure parts)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta

from typer.testing import CliRunner

from tests.cases.conftest import create_case
from waspada.cases import htcds, visibility
from waspada.cases.cli import cases_app
from waspada.cases.store import clean_public_report, sniff_type

runner = CliRunner()

CASE = {"id": 1, "reference": "WSP-2026-000001", "status": "repatriated", "owner_unit": "KBRI",
        "exploitation_type": "ForcedCriminality", "compound_type": "OnlineScam",
        "summary": "cerita", "persons": [
            {"id": 7, "role": "victim", "full_name": "Siti Aminah", "first_name": "Siti",
             "birth_date": date(2000, 1, 2), "identity_number": "3174xxxx",
             "mobile_phone": "+62812", "gender": "Feminine"}],
        "events": [{"type": "Transit", "city": "Bangkok", "country": "TH",
                    "description": "lewat darat"}],
        "comments": [{"body": "rahasia"}], "history": [
            {"to": "splp_issued", "values": {"splp_number": "S1", "note": "n"}}]}


def test_visibility_groups_per_role() -> None:
    today = date(2026, 1, 1)
    analyst = visibility.redact_case(CASE, visibility.groups_for("analyst"), today)
    person = analyst["persons"][0]
    assert person["full_name"] is None and person["identity_number"] is None
    assert person["display_name"] == "V-7" and person["age_band"] == "25-34"
    assert analyst["summary"] is None and analyst["comments"] == []
    assert analyst["events"][0]["description"] is None and analyst["events"][0]["city"] == "Bangkok"
    assert analyst["history"][0]["values"] == {}
    checkpoint = visibility.redact_case(CASE, visibility.groups_for("checkpoint_officer"), today)
    assert checkpoint["persons"][0]["full_name"] == "Siti Aminah"
    assert checkpoint["persons"][0]["mobile_phone"] is None
    assert checkpoint["history"][0]["values"] == {"splp_number": "S1", "note": "n"}
    assert visibility.groups_for("auditor") == frozenset()
    assert visibility.groups_for("admin") == frozenset()
    assert visibility.groups_for(None, is_cli=True) == visibility.ALL_GROUPS
    full = visibility.redact_case(CASE, visibility.groups_for("protection_officer"), today)
    assert full["persons"][0]["mobile_phone"] == "+62812" and full["hidden"] == []


def test_retention_rule_and_k_anonymity() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    closed = now - timedelta(days=731)
    assert visibility.due_for_anonymisation(True, closed, False, now, 730)
    assert not visibility.due_for_anonymisation(True, now - timedelta(days=10), False, now, 730)
    assert not visibility.due_for_anonymisation(False, closed, False, now, 730)
    assert not visibility.due_for_anonymisation(True, closed, True, now, 730)
    assert visibility.anonymised_birth_date(date(1990, 12, 31)) == date(1990, 7, 1)
    assert visibility.suppress_small_counts({"a": 3, "b": 11, "c": 0}, 11) == {
        "a": None, "b": 11, "c": 0}


def test_htcds_mapping_and_csv_injection() -> None:
    record = htcds.case_to_htcds(visibility.redact_case(CASE, visibility.ALL_GROUPS))
    assert record["cas_Status"] == "Active"
    assert record["vic_TypeOfExploitation"] == ["ForcedCriminality"]
    assert record["persons"][0]["prs_FirstName"] == "Siti"
    assert record["historic_trafficking_events"][0] == {
        "hte_Type": "Transit", "hte_City": "Bangkok", "hte_Country": "TH",
        "hte_Description": "lewat darat"}
    evil = dict(CASE, reference="=HYPERLINK(\"http://x\")")
    files = htcds.to_csv_files([htcds.case_to_htcds(evil)])
    assert "'=HYPERLINK" in files["cases.csv"]
    # issue #17: one CSV per HTCDS object with the standard's own column names
    assert files["trafficking_events.csv"].splitlines()[0].startswith(
        "x_wsp_Reference,hte_Longitude,hte_Latitude,hte_City")
    assert "'=HYPERLINK" in files["trafficking_events.csv"]  # the link column too


def test_public_report_cleaning_and_magic_bytes() -> None:
    report = clean_public_report({"reporter_name": "A", "reporter_phone": "+62 81",
                                  "victim_name": "B", "destination_country": "kh",
                                  "description": "x" * 3000})
    assert report.problems == {"description": "too_long", "reporter_phone": "invalid"}
    assert report.destination_country == "KH" and len(report.description) == 2000
    assert sniff_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_type(b"GIF89a") is None


def test_cli_list_export_subject_export_and_retention(protection, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = create_case(protection)
    listed = runner.invoke(cases_app, ["list", "--limit", "5"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output.splitlines()[0])["reference"].startswith("WSP-")
    exported = runner.invoke(cases_app, ["export", "--format", "htcds-json", "--ids",
                                         str(case["id"])])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert data["deidentified"] is True and data["count"] == 1
    assert "prs_FirstName" not in json.dumps(data)
    csv_out = runner.invoke(cases_app, ["export", "--format", "htcds-csv", "--no-deidentify",
                                        "--ids", str(case["id"]), "--output", str(tmp_path / "x.zip")])
    assert csv_out.exit_code == 0, csv_out.output
    victim = next(p for p in case["persons"] if p["role"] == "victim")
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        assert victim["full_name"].split()[0] in archive.read("persons.csv").decode()
    bad = runner.invoke(cases_app, ["export", "--format", "xml"])
    assert bad.exit_code == 2
    subject = runner.invoke(cases_app, ["subject-export", str(victim["id"])])
    assert subject.exit_code == 0 and json.loads(subject.output)["person"]["id"] == victim["id"]
    assert runner.invoke(cases_app, ["subject-export", "999999999"]).exit_code == 1
    anonymise = runner.invoke(cases_app, ["anonymise-expired", "--older-than-days", "3650"])
    assert anonymise.exit_code == 0 and "Anonymised" in anonymise.output
    workflow = runner.invoke(cases_app, ["workflow"])
    assert json.loads(workflow.output)["transitions"]["issue_splp"]["to"] == "splp_issued"
