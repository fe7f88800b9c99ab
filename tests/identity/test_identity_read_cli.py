"""`waspada document read IMAGE`: OCR of a photo or scan from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.docpages import page_bytes
from waspada.identity.cli import document_app
from waspada.identity.mrz import generate_mrz

runner = CliRunner()
LINES = generate_mrz("TD3", surname="SIREGAR", given_names="DEWI", document_number="X9876543",
                     birth_date="1995-03-09", sex="F", expiry_date="2030-03-08",
                     issuing_state="IDN", nationality="IDN")
REF = ["--reference-date", "2026-11-27"]


def test_read_json_and_crop(tmp_path: Path) -> None:
    image = tmp_path / "paspor.jpg"
    image.write_bytes(page_bytes(LINES, seed=11, fmt="JPEG"))
    crop = tmp_path / "mrz.png"
    res = runner.invoke(document_app, ["read", str(image), "--json", "--crop", str(crop), *REF])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["valid"] is True and data["document_type"] == "TD3"
    assert data["fields"]["document_number"] == "X9876543"
    assert data["fields"]["surname"] == "SIREGAR" and data["fields"]["given_names"] == "DEWI"
    assert set(data["ocr"]) >= {"lines", "confidences", "corrections"}
    assert len(data["ocr"]["lines"]) == 2 and "crop_png_base64" not in data["ocr"]
    assert crop.read_bytes().startswith(b"\x89PNG")
    human = runner.invoke(document_app, ["read", str(image), *REF])
    assert human.exit_code == 0 and "VALID" in human.output and "SIREGAR" in human.output


def test_read_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    res = runner.invoke(document_app, ["read", str(text)])
    assert res.exit_code == 2
    assert "Error:" in res.output and "not a JPEG, PNG or TIFF image or a PDF" in res.output
    assert "Traceback" not in res.output
    missing = runner.invoke(document_app, ["read", str(tmp_path / "nope.png")])
    assert missing.exit_code == 2 and "Error:" in missing.output
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024))
    too_big = runner.invoke(document_app, ["read", str(big)])
    assert too_big.exit_code == 2 and "too large" in too_big.output


def test_cli_help_does_not_load_ocr() -> None:
    code = ("import sys; from waspada.cli import main; sys.argv=['waspada','--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('rapidocr', 'onnxruntime', 'cv2', 'PIL', 'pypdfium2')"
            " if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert "HEAVY []" in out.stdout, out.stdout[-500:] + out.stderr[-500:]
