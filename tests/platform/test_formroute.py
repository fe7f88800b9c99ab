"""``platform.formroute``: a refused form re-shows the page with every field's problem, the
submitted values (also multi-valued ones) in Indonesian (the default language), never a bare
422; ``form_input`` refuses the same
way for a model a handler builds from its form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field

from waspada.platform.formroute import FormRoute, Refused, form_input, reshow_with


class Note(BaseModel):
    title: str = Field(max_length=5, title="Title")
    body: str = Field(max_length=3)  # no title: the message must not show "body"


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bases: list[str] = Field(min_length=1, max_length=2, title="Legal basis")
    answers: dict[str, Annotated[str, Field(max_length=3)]] = {}


def _echo(request: Request, refused: Refused) -> Response:
    return JSONResponse({"fields": refused.fields, "lists": refused.lists,
                         "message": refused.message, "problems": refused.problems,
                         "too_long": refused.too_long}, status_code=400)


def _client() -> TestClient:
    router = APIRouter(route_class=FormRoute)

    @router.post("/note")
    @reshow_with(_echo, Note)
    def note(data: Annotated[Note, Form()]) -> dict[str, str]:
        return {"ok": data.title}

    @router.post("/choice")
    @reshow_with(_echo, Choice)
    async def choice(request: Request) -> dict[str, object]:
        form = await request.form()
        data = form_input(Choice, form, lists=("bases",),
                          extra={"answers": {"q": str(form.get("q", ""))}})
        return {"ok": data.bases}

    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


def test_every_refused_field_is_named_and_the_form_comes_back() -> None:
    response = _client().post("/note", data={"title": "too long", "body": "long",
                                             "csrf_token": "secret"})
    assert response.status_code == 400
    got = response.json()
    assert got["fields"] == {"title": "too long", "body": "long"}  # never the CSRF token
    assert got["too_long"] is True
    assert got["message"] == "Title terlalu panjang: paling banyak 5 karakter."
    assert set(got["problems"]) == {"title", "body"}
    assert got["problems"]["body"] == "Ada isian yang terlalu panjang: paling banyak 3 karakter."
    assert "body" not in got["problems"]["body"]


def test_form_input_reads_lists_ignores_unknown_fields_and_refuses_like_a_form_model() -> None:
    client = _client()
    ok = client.post("/choice", data={"bases": ["a", "b"], "q": "yes", "csrf_token": "x"})
    assert ok.status_code == 200 and ok.json() == {"ok": ["a", "b"]}
    many = client.post("/choice", data={"bases": ["a", "b", "c"], "q": "yes"})
    assert many.status_code == 400
    got = many.json()
    assert got["lists"]["bases"] == ["a", "b", "c"]
    assert got["message"] == "Dasar hukum: terlalu banyak isian, paling banyak 2."
    none = client.post("/choice", data={"q": "toolong"})
    assert none.status_code == 400
    assert none.json()["problems"] == {"bases": "Dasar hukum wajib diisi.",
                                       "q": "Ada isian yang terlalu panjang: paling banyak 3 karakter."}


def test_a_filled_in_but_short_field_is_called_too_short_not_empty() -> None:
    """walk19: a legal basis "pendek" (at least 20 characters) read "Dasar hukum tanpa
    persetujuan wajib diisi." although the officer had typed one."""
    from waspada.platform.formroute import _problem

    short = {"type": "string_too_short", "loc": ("body", "reason"), "ctx": {"min_length": 20}}
    titles = {"reason": "Legal basis without consent"}
    assert _problem(short, titles) == (
        "Dasar hukum tanpa persetujuan terlalu pendek: paling sedikit 20 karakter.")
    assert _problem(short, {}) == "Ada isian yang terlalu pendek: paling sedikit 20 karakter."
    empty = {"type": "string_too_short", "loc": ("body", "reason"), "ctx": {"min_length": 1}}
    assert _problem(empty, titles) == "Dasar hukum tanpa persetujuan wajib diisi."
