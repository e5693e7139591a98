"""GeoReport v2 wire formats: the resource's extension (.json / .xml) chooses the format,
as the spec does; without one the Accept header decides, and XML (the format the spec
requires) is the default. Errors use the spec's shape: [{"code", "description"}]."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any, Literal

from fastapi.responses import Response

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# The element that wraps each item of a list, by the list's own element name.
_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


class Open311Error(Exception):
    """A client error, answered as [{"code": status, "description": ...}]."""

    def __init__(
        self, status: int, description: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


def split_resource(resource: str, accept: str | None) -> tuple[str, Format]:
    """`requests.json` → ("requests", "json"); `requests` → ("requests", from Accept)."""
    name, dot, extension = resource.rpartition(".")
    if dot:
        extension = extension.lower()
        if extension not in FORMATS:
            raise Open311Error(400, f"unsupported format {extension!r}: use .json or .xml")
        return name, extension  # type: ignore[return-value]
    accept = (accept or "").lower()
    wants_json = "json" in accept and "xml" not in accept
    return resource, "json" if wants_json else "xml"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item_tag = _ITEM_TAGS.get(tag, "item")
        for child in value:
            element.append(_element(item_tag, child))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, data: Any) -> bytes:
    body = ET.tostring(_element(root, data), encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def render(
    data: Any,
    fmt: Format,
    *,
    root: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """`data` as JSON, or as XML under `root` (a list becomes one element per item)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)
    return Response(to_xml(root, data), status_code=status, media_type=XML_TYPE, headers=headers)


def render_error(error: Open311Error, fmt: Format) -> Response:
    body = [{"code": error.status, "description": error.description}]
    return render(body, fmt, root="errors", status=error.status, headers=error.headers)
