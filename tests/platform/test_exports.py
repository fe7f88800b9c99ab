from waspada.platform.exports import spreadsheet_safe


def test_formulas_are_neutralised_numbers_kept() -> None:
    assert spreadsheet_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert spreadsheet_safe("+6281234567890") == "+6281234567890"
    assert spreadsheet_safe("Siti Rahayu") == "Siti Rahayu"
    assert spreadsheet_safe(42) == 42
