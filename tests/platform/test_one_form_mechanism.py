"""Pages have ONE form mechanism (issue #12 follow-up): ``platform/formroute.py``.

A page takes ``Annotated[Model, Form()]`` (or reads its form with ``formroute.form_input``) and a
refused form is re-shown by ``FormRoute`` through ``reshow_with``. No other module may define a
route class, a form-parsing helper, or catch FastAPI's validation error itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"
FORMROUTE = "platform/formroute.py"
#: the app-wide handler (a 422 for API requests) is the only other place allowed to see it
VALIDATION_HANDLER = "platform/errors.py"
#: names the four former mechanisms used for "turn a submitted form into a model"
PARSER_NAMES = {"from_form", "parse_form", "form_input", "from_validation", "as_case_error"}
#: too common a name to forbid everywhere (matching builds its index), but not in form code
FORM_MODULE_NAMES = {"build"}
FORM_MODULES = ("pages.py", "schemas.py", "forms.py", "errors.py")


def _modules() -> list[tuple[str, ast.Module]]:
    return [(path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(SRC.rglob("*.py"))]


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def _route_classes(tree: ast.Module) -> list[str]:
    return [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and _base_names(node) & {"APIRoute", "FormRoute"}]


def _parsers(tree: ast.Module, form_module: bool = True) -> list[str]:
    names = PARSER_NAMES | (FORM_MODULE_NAMES if form_module else set())
    return [node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in names]


def _catches_validation(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if (isinstance(node, ast.ExceptHandler) and node.type is not None
                and "RequestValidationError" in ast.unparse(node.type)):
            return True
        if (isinstance(node, ast.Call) and "exception_handler" in ast.unparse(node.func)
                and any("RequestValidationError" in ast.unparse(arg) for arg in node.args)):
            return True
    return False


def test_only_formroute_defines_a_route_class() -> None:
    found = {path: names for path, tree in _modules()
             if path != FORMROUTE and (names := _route_classes(tree))}
    assert found == {}, f"route classes outside {FORMROUTE}: {found}"


def test_only_formroute_parses_forms() -> None:
    found = {path: names for path, tree in _modules()
             if path != FORMROUTE
             and (names := _parsers(tree, path.rsplit("/", 1)[-1] in FORM_MODULES))}
    assert found == {}, f"form-parsing helpers outside {FORMROUTE}: {found}"
    forms_modules = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("forms.py"))
    assert forms_modules == [], f"a second form mechanism: {forms_modules}"


def test_only_formroute_turns_a_refused_form_into_a_page() -> None:
    found = [path for path, tree in _modules()
             if path not in (FORMROUTE, VALIDATION_HANDLER) and _catches_validation(tree)]
    assert found == [], f"modules handling RequestValidationError themselves: {found}"


def test_pages_that_take_forms_use_formroute() -> None:
    for path, tree in _modules():
        if not path.endswith("pages.py"):
            continue
        source = ast.unparse(tree)
        takes_forms = "Form()" in source or "form_input(" in source
        if takes_forms:
            assert "route_class=FormRoute" in source, f"{path} takes forms without FormRoute"


def test_the_guard_sees_a_second_mechanism() -> None:
    """The checks above are not vacuous: they flag the shapes the old mechanisms had."""
    tree = ast.parse(
        "from fastapi.routing import APIRoute\n"
        "class FormRoute(APIRoute):\n    pass\n"
        "def from_form(model, form):\n    return model.model_validate(form)\n"
        "def build(model, data):\n    return model.model_validate(data)\n"
        "try:\n    pass\nexcept RequestValidationError:\n    pass\n")
    assert _route_classes(tree) == ["FormRoute"]
    assert _parsers(tree) == ["from_form", "build"]
    assert _parsers(tree, form_module=False) == ["from_form"]
    assert _catches_validation(tree)
