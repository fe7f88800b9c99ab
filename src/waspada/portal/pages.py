"""The safe-migration guide and the hotlines: static public pages with their sources."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from waspada.platform.deps import public
from waspada.platform.templating import render
from waspada.portal.guide import GUIDE_SOURCES
from waspada.portal.hotlines import checked_on, hotlines

router = APIRouter(include_in_schema=False)


@router.get("/panduan", dependencies=[Depends(public)])
def guide(request: Request) -> Response:
    return render(request, "portal/guide.html", {"sources": GUIDE_SOURCES,
                                                 "hotlines": hotlines()})


@router.get("/hotline", dependencies=[Depends(public)])
def hotline_page(request: Request) -> Response:
    return render(request, "portal/hotlines.html", {"hotlines": hotlines(),
                                                    "checked": checked_on()})
