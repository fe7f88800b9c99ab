"""The analysts' graph page ``/network``: search a value, see its neighbours as a graph
(Cytoscape.js + fcose, local static files), expand, filter, open the underlying records.
Thin: parse the query, call :mod:`network.service`, render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response

from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render

from . import service
from .graph import MAX_DEPTH
from .schemas import VALUE_MAX
from .sources import SOURCE_LABELS

router = APIRouter(include_in_schema=False)


@router.get("/network")
def graph_page(request: Request, db: DB,
               principal: Annotated[Principal, Depends(require("network.view"))],
               q: Annotated[str, Query(max_length=VALUE_MAX)] = "",
               depth: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 1) -> Response:
    found: dict[str, Any] | None = None
    error = None
    if q.strip():
        try:
            found = service.lookup(db, principal, q.strip(), depth)
        except service.NetworkError as exc:
            error = exc
    return render(request, "network/graph.html", {
        "q": q, "depth": depth, "max_depth": MAX_DEPTH, "found": found, "error": error,
        "graph_json": jsonable_encoder(found) if found else None,
        "source_labels": SOURCE_LABELS}, status_code=404 if error and error.status == 404
        else 200)
