"""CLI apps (mounted by the root CLI): exit codes and JSON shapes."""

import json

from typer.testing import CliRunner

from waspada.identity.cli import document_app, name_app

runner = CliRunner()
TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
REF = ["--reference-date", "2010-01-01"]


def test_mrz_json_valid():
    res = runner.invoke(document_app, ["mrz", *TD3, "--json", *REF])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["valid"] is True and data["document_type"] == "TD3"
    assert list(data["fields"]) == [
        "document_code", "issuing_state", "surname", "given_names", "document_number",
        "nationality", "birth_date", "sex", "expiry_date", "optional_data",
    ]
    # UTO is the ICAO specimen state: valid, with an informational finding (issue #14).
    assert [f["code"] for f in data["findings"]] == ["mrz.specimen"]


def test_mrz_invalid_exit_1_and_human_output():
    bad = TD3[1][:-1] + "1"
    res = runner.invoke(document_app, ["mrz", TD3[0], bad, *REF])
    assert res.exit_code == 1
    assert "INVALID" in res.output and "mrz.check_digit.composite" in res.output
    res = runner.invoke(document_app, ["mrz", TD3[0], bad, "--json", *REF])
    finding = json.loads(res.output)["findings"][0]
    assert {"code", "severity", "message"} <= set(finding)


def test_mrz_ocr_flag():
    l2 = TD3[1].replace("7408122", "74O8I22")
    assert runner.invoke(document_app, ["mrz", TD3[0], l2, *REF]).exit_code == 1
    res = runner.invoke(document_app, ["mrz", TD3[0], l2, "--ocr-tolerant", "--json", *REF])
    assert res.exit_code == 0
    assert any(f["code"] == "mrz.ocr_corrected" for f in json.loads(res.output)["findings"])


def test_mrz_human_valid():
    res = runner.invoke(document_app, ["mrz", *TD3, *REF])
    assert res.exit_code == 0 and "VALID" in res.output and "ERIKSSON" in res.output


def test_nik_json_and_human():
    res = runner.invoke(document_app, ["nik", "3174015708900001", "--json"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert list(data) == ["valid", "province", "regency", "district", "birth_date", "sex",
                          "findings"]
    assert data["sex"] == "F"
    res = runner.invoke(document_app, ["nik", "123"])
    assert res.exit_code == 1 and "nik.length" in res.output


def test_check_file(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"nik": "3174015708900001", "birth_date": "1990-08-17",
                                "sex": "F"}))
    res = runner.invoke(document_app, ["check", str(path), "--json"])
    assert res.exit_code == 0
    assert json.loads(res.output) == {"valid": True, "findings": []}
    path.write_text(json.dumps({"nik": "3174015708900001", "sex": "M"}))
    res = runner.invoke(document_app, ["check", str(path)])
    assert res.exit_code == 1 and "traveller.nik_sex_mismatch" in res.output


def test_usage_and_io_errors(tmp_path):
    res = runner.invoke(document_app, ["check", str(tmp_path / "missing.json")])
    assert res.exit_code == 2 and "file not found" in res.output
    assert "Traceback" not in res.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    res = runner.invoke(document_app, ["check", str(bad)])
    assert res.exit_code == 2 and "not valid JSON" in res.output
    bad.write_text("[1, 2]")
    assert runner.invoke(document_app, ["check", str(bad)]).exit_code == 2
    bad.write_bytes(b"\xff\xfe\x00")
    assert runner.invoke(document_app, ["check", str(bad)]).exit_code == 2
    res = runner.invoke(document_app, ["nik", "1", "--reference-date", "yesterday"])
    assert res.exit_code == 2 and "reference-date" in res.output
    assert runner.invoke(document_app, ["mrz"]).exit_code == 2


def test_name_normalize():
    res = runner.invoke(name_app, ["normalize", "Hj. Siti binti Ahmad", "--json"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["titles"] == ["Hj."] and data["patronym"] == "ahmad"
    res = runner.invoke(name_app, ["normalize", "Moch. Jusuf"])
    assert res.exit_code == 0 and "muhammad" in res.output


def test_mrz_ocr_tolerant_issue14_examples():
    """`document mrz --ocr-tolerant` on the issue #14 examples (composite from corrected
    characters) and on OCR text of a data page passed as one argument."""
    td1 = ["IDCHEA1234567<6<<<<<<<<<<<<<<<", "7SIOZSGMZOO90IBCHE<<<<<<<<<<<B",
           "5M1TH<<J0HN<AL8ERT<<<<<<<<<<<<"]
    res = runner.invoke(document_app, ["mrz", *td1, "--ocr-tolerant", "--json", *REF])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["fields"]["surname"] == "SMITH" and data["fields"]["birth_date"] == "1975-10-25"
    assert runner.invoke(document_app, ["mrz", *td1, "--json", *REF]).exit_code == 1
    page = "REPUBLIK INDONESIA\nPASPOR / PASSPORT\n\n" + "\n".join(TD3) + "\nhalaman 2\n"
    res = runner.invoke(document_app, ["mrz", page, "--ocr-tolerant", "--json", *REF])
    assert res.exit_code == 0, res.output
    codes = [f["code"] for f in json.loads(res.output)["findings"]]
    assert "mrz.input.extracted" in codes and "mrz.specimen" in codes
