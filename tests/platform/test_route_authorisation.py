"""Every registered route either is declared public or refuses anonymous and wrong-role callers."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.conftest import ROLE_USERS, csrf_headers
from waspada.platform.deps import Public, Require
from waspada.platform.security.policy import POLICY, roles_for
from waspada.platform.web import iter_api_routes


def _markers(route: APIRoute) -> tuple[list[str], bool]:
    actions: list[str] = []
    public = False
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Require):
            actions.append(dep.call.action)
        if isinstance(dep.call, Public):
            public = True
        stack.extend(dep.dependencies)
    return actions, public


def _routes(app) -> list[tuple[APIRoute, str]]:  # type: ignore[no-untyped-def]
    routes = [(route, method) for route in iter_api_routes(app) for method in sorted(route.methods)]
    assert len(routes) >= 20
    return routes


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _call(client: TestClient, method: str, path: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, follow_redirects=False)
    return client.request(method, path, data={}, headers=csrf_headers(client),
                          follow_redirects=False)


def test_every_route_declares_access(app) -> None:  # type: ignore[no-untyped-def]
    undeclared = []
    for route, method in _routes(app):
        actions, public = _markers(route)
        if not actions and not public:
            undeclared.append(f"{method} {route.path}")
        for action in actions:
            assert action in POLICY, f"{route.path} uses unknown action {action!r}"
    assert not undeclared, f"routes without an access declaration: {undeclared}"


def test_anonymous_is_refused_everywhere_but_public_routes(app) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        anonymous.get("/login")  # obtain a CSRF cookie so the check reaches authorisation
        for route, method in _routes(app):
            actions, public = _markers(route)
            if public:
                continue
            response = _call(anonymous, method, _concrete(route.path))
            if route.path.startswith("/api/"):
                assert response.status_code == 401, (method, route.path, response.status_code)
            else:
                assert response.status_code == 303, (method, route.path, response.status_code)
                assert response.headers["location"].startswith("/login")
            checked += 1
    assert checked >= 10


def test_wrong_roles_are_refused(app, role_clients) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for route, method in _routes(app):
        actions, public = _markers(route)
        if public or not actions:
            continue
        allowed_roles = set.intersection(*(set(roles_for(a)) for a in actions))
        for role, client in role_clients.items():
            if role in allowed_roles:
                continue
            response = _call(client, method, _concrete(route.path))
            assert response.status_code == 403, (role, method, route.path, response.status_code)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_each_role_reaches_its_home_and_account(role_clients, role: str) -> None:  # type: ignore[no-untyped-def]
    client = role_clients[role]
    assert client.get("/").status_code == 200
    assert client.get("/account").status_code == 200
