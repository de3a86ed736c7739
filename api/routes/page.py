"""The operations-center page: one HTML file and its script and style, served locally.

The page carries no data and needs no login to load; it asks for an API
key, trades it for an access token and reads everything through the API,
so the page and a script see exactly the same permissions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC: Final = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The icon, for browsers and tools that ask for it by its traditional name."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")
