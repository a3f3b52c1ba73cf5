"""Open311 GeoReport v2 answers as JSON or XML, with the specification's element names.

The specification gives every answer in both forms: a JSON array (or object) of fields,
and an XML document whose root names the list (``services``, ``service_requests``,
``errors``) and whose children name one item (``service``, ``request``, ``error``).
"""

import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Literal

from fastapi import Response

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
# The XML element of one item of each list; the keys are the list's root element.
ITEM_OF = {"services": "service", "service_requests": "request", "errors": "error"}
# Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An answer of the form ``[{"code", "description"}]`` with a 4xx status."""

    def __init__(
        self, status: int, *descriptions: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


def format_of(text: str) -> Format:
    """The format a path asks for (``services.json``); anything else is refused."""
    for known in FORMATS:
        if text == known:
            return known
    raise Open311Error(400, "Ask for .json or .xml: those are the formats this endpoint serves.")


def format_of_path(path: str) -> Format:
    """For error answers before the route has read its format: XML only when asked for."""
    return "xml" if path.endswith(".xml") else "json"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):  # a service definition's attributes: <attributes><attribute>
        for item in value:
            child = ET.SubElement(element, name.removesuffix("s"))
            for key, inner in item.items():
                _append(child, key, inner)
    else:
        element.text = _text(value)


def xml_document(root: str, body: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """``body`` a list: one ``ITEM_OF[root]`` element per item; a dict: the root's fields."""
    top = ET.Element(root)
    if isinstance(body, dict):
        _fill(top, body)
    else:
        for item in body:
            _fill(ET.SubElement(top, ITEM_OF[root]), item)
    document: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return document


def _fill(parent: ET.Element, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        _append(parent, key, value)


def answer(
    fmt: Format,
    root: str,
    body: list[dict[str, Any]] | dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    if fmt == "xml":
        return Response(
            xml_document(root, body), status, headers, media_type="text/xml; charset=utf-8"
        )
    return Response(json.dumps(body), status, headers, media_type="application/json")


def error_answer(fmt: Format, error: Open311Error) -> Response:
    body = [{"code": error.status, "description": text} for text in error.descriptions]
    return answer(fmt, "errors", body, error.status, error.headers or None)
