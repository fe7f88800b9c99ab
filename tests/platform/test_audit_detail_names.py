"""r25 audit: every detail field the code writes into an audit entry has words (the audit page
read "item_id=1535, transition=exit", "review_pairs=9", "first_bad_seq=-" in English and in
Indonesian). The test walks the source: the keyword arguments of every ``audit.record(...)``
call, of the helpers that pass their own ``**detail`` on to it (``cases.service._written``),
and the keys of the dictionaries spread into it, so a new field without words fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from waspada.platform.audit_trail import DETAIL_NAMES

SRC = Path(__file__).resolve().parents[2] / "src" / "waspada"
#: ``audit.record``'s own parameters (not detail fields)
RECORD_PARAMS = {"object_type", "object_id", "unit_id", "outcome", "ip", "actor", "via",
                 "session"}


def _is_record(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and f.attr == "record"
            and isinstance(f.value, ast.Name) and f.value.id == "audit")


def _called_name(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _dict_keys(node: ast.AST) -> set[str]:
    return {k.value for d in ast.walk(node) if isinstance(d, ast.Dict)
            for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [fn for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)]


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}


def written_detail_keys() -> dict[str, set[str]]:
    """detail field -> the files that write it."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SRC.rglob("*.py")}
    forwarders: dict[str, set[str]] = {}  # helper name -> its own parameter names
    for tree in trees.values():
        for fn in _functions(tree):
            kwarg = fn.args.kwarg.arg if fn.args.kwarg else None
            if kwarg and any(_is_record(call) and any(
                    kw.arg is None and isinstance(kw.value, ast.Name) and kw.value.id == kwarg
                    for kw in call.keywords)
                    for call in ast.walk(fn) if isinstance(call, ast.Call)):
                forwarders[fn.name] = _params(fn)
    found: dict[str, set[str]] = {}
    for path, tree in trees.items():
        for fn in _functions(tree):
            assigned: dict[str, ast.AST] = {}
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign):
                    assigned.update({t.id: node.value for t in node.targets
                                     if isinstance(t, ast.Name)})
                elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                      and node.value is not None):
                    assigned[node.target.id] = node.value
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                name = _called_name(call)
                if _is_record(call):
                    own = RECORD_PARAMS
                elif name in forwarders:
                    own = forwarders[name]
                else:
                    continue
                keys: set[str] = set()
                for kw in call.keywords:
                    if kw.arg is not None:
                        keys |= {kw.arg} - own
                    elif isinstance(kw.value, ast.Name) and kw.value.id in assigned:
                        keys |= _dict_keys(assigned[kw.value.id])
                for key in keys:
                    found.setdefault(key, set()).add(str(path.relative_to(SRC)))
    return found


def test_the_walk_finds_the_reported_fields() -> None:
    keys = written_detail_keys()
    # the walk-through's examples, written directly, through _written and in a spread dict
    assert {"item_id", "transition", "review_pairs", "first_bad_seq", "organisation",
            "consent_override", "document", "rows", "section", "person_search"} <= set(keys)


def test_every_written_detail_field_has_words() -> None:
    missing = {k: sorted(v) for k, v in written_detail_keys().items() if k not in DETAIL_NAMES}
    assert not missing, missing
