"""Every ``# type: ignore`` in src/ names its error code and says why (issue #12, item 7).

`mypy src` is part of `make test`; the few places it cannot check carry
``# type: ignore[code]  # reason`` on the same line, so a reader sees what is silenced and why,
and a bare ``# type: ignore`` (which silences every error on the line) cannot creep in.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

#: ``type: ignore[code, code]`` then a second comment giving the reason (five characters or more)
_GOOD = re.compile(r"#\s*type:\s*ignore\[[a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*\]\s+#\s*\S.{4,}")
_ANY = re.compile(r"type:\s*ignore", re.I)


def bad_ignores(source: str) -> list[tuple[int, str]]:
    """(line, comment) of each ``type: ignore`` comment lacking an error code or a reason."""
    found: list[tuple[int, str]] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and _ANY.search(tok.string) \
                and not _GOOD.fullmatch(tok.string.strip()):
            found.append((tok.start[0], tok.string))
    return found


def test_checker_flags_missing_code_or_reason() -> None:
    assert bad_ignores("x = f()  # type: ignore\n") == [(1, "# type: ignore")]
    assert bad_ignores("x = f()  # type: ignore[attr-defined]\n")
    assert bad_ignores("x = f()  # type: ignore  # because\n")
    assert bad_ignores("x = f()  # type: ignore[attr-defined]  #\n")
    assert bad_ignores("x = f()  # type: ignore[]  # the library has no stubs\n")
    assert bad_ignores("x = f()  # TYPE: IGNORE\n")


def test_checker_accepts_code_and_reason_and_skips_strings() -> None:
    assert bad_ignores("x = f()  # type: ignore[attr-defined]  # Jinja's i18n adds this\n") == []
    assert bad_ignores("x = f()  # type: ignore[arg-type, misc]  # the column holds two kinds\n") \
        == []
    assert bad_ignores('x = "# type: ignore"\n') == []


def test_every_type_ignore_in_src_names_its_code_and_reason() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert files, f"no Python files under {SRC}"
    problems = [f"{path.relative_to(SRC)}:{line}: {comment}"
                for path in files
                for line, comment in bad_ignores(path.read_text(encoding="utf-8"))]
    assert not problems, ("each `# type: ignore` needs an error code and a reason on the same "
                          "line, e.g. `# type: ignore[attr-defined]  # Jinja's i18n adds this`:\n"
                          + "\n".join(problems))
