"""The staff console: a single page served by the API, working through the same JSON API with
the session cookie and its CSRF header."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).parent / "static"
_FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "presence.js": "text/javascript; charset=utf-8",
    "places.js": "text/javascript; charset=utf-8",
    "phrasings.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# The console runs only its own script: no inline code, no other origin.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

router = APIRouter(tags=["staff console"], include_in_schema=False)


@router.get("/console")
def console() -> FileResponse:
    return FileResponse(
        STATIC / "index.html", media_type="text/html; charset=utf-8", headers=_HEADERS
    )


@router.get("/console/{name}")
def console_asset(name: str) -> FileResponse:
    media_type = _FILES.get(name)
    if media_type is None:
        from api.core.errors import NotFoundError

        raise NotFoundError(f"no console file {name!r}")
    return FileResponse(STATIC / name, media_type=media_type, headers=_HEADERS)
