"""walk18: an outbox number that does not exist is named as such, not as a bundle in the wrong
state."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from waspada.cli import app
from waspada.platform.i18n import translate

runner = CliRunner()


def test_an_unknown_outbox_number_says_it_does_not_exist(tmp_path: Path) -> None:
    target = tmp_path / "bundle.wsp"
    for args in (["exchange", "export", "999999", "--output", str(target)],
                 ["exchange", "resend", "999999"]):
        result = runner.invoke(app, args)
        assert result.exit_code != 0, result.output
        assert "No outgoing bundle has this number." in result.output, result.output
        assert "Only a waiting or dead bundle" not in result.output
    assert not target.exists()
    assert translate("No outgoing bundle has this number.", "id") == (
        "Tidak ada paket keluar dengan nomor ini.")
