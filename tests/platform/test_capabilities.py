"""The capability registry is the one place a capability is wired in; these checks keep each
declaration honest against the policy, the routes and the CLI."""

from __future__ import annotations

from collections import Counter

from fastapi.routing import APIRoute

from waspada.platform.capabilities import INSTALLED, installed, resolve, web_modules
from waspada.platform.deps import Require
from waspada.platform.security.policy import POLICY


def test_every_policy_action_is_declared_by_exactly_one_capability() -> None:
    declared = Counter(action for c in installed() for action in c.actions)
    assert set(declared) == set(POLICY), set(declared) ^ set(POLICY)
    assert [a for a, n in declared.items() if n > 1] == []


def test_navigation_uses_the_capabilitys_own_actions() -> None:
    for capability in installed():
        for item in capability.nav:
            assert item.action in capability.actions, (capability.name, item)


def _route_actions(router: object) -> set[str]:
    found = set()
    for route in getattr(router, "routes", []):
        if not isinstance(route, APIRoute):
            continue
        for dep in route.dependant.dependencies:
            if isinstance(dep.call, Require):
                found.add(dep.call.action)
    return found


def test_routes_use_only_their_capabilitys_actions() -> None:
    for capability in installed():
        used: set[str] = set()
        for module_name in capability.web:
            module = __import__(module_name, fromlist=["_"])
            for attr in ("router", "api_router", "plain"):
                used |= _route_actions(getattr(module, attr, None))
        assert used <= set(capability.actions), (capability.name, used - set(capability.actions))


def test_declarations_resolve_and_cli_names_are_unique() -> None:
    assert [c.name for c in installed()] == list(INSTALLED)
    names = [g.name for c in installed() for g in c.cli]
    assert len(names) == len(set(names))
    for capability in installed():
        for group in capability.cli:
            assert resolve(group.target) is not None
    assert len(list(web_modules())) == sum(len(c.web) for c in installed())


def test_the_readme_lists_every_capability_in_one_table() -> None:
    """walk16: a blank line inside the README's "Where each capability lives" table cut the
    `exchange/` row off into a stray paragraph of pipes."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where each capability lives", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("| folder |"):].split("\n\n", 1)[0]
    for capability in installed():
        assert f"| `{capability.name}/` |" in table, capability.name
