"""An Open311 GeoReport v2 client written from the specification alone.

It knows only what the specification says: the paths (``services.json``,
``requests/{id}.xml``, ...), form-encoded POSTs with ``api_key``, and the JSON and XML
shapes (XML roots ``services``, ``service_definition``, ``service_requests``, ``errors``,
one ``service``, ``request`` or ``error`` element per item). Nothing of the server's code
is imported. ``http`` is anything with ``get(url, params=)`` and ``post(url, data=)``: a
``requests.Session`` or a test client.
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

ITEM = {"services": "service", "service_requests": "request", "errors": "error"}


@dataclass
class Answer:
    status: int
    body: Any  # JSON as parsed; XML as lists of {element: text}
    headers: dict[str, str]
    raw: bytes


def parse_xml(raw: bytes) -> Any:
    """A document as the specification lays it out: a list of items, or one object."""
    root = ET.fromstring(raw)
    if root.tag in ITEM:
        items = list(root)
        assert all(child.tag == ITEM[root.tag] for child in items), root.tag
        return [_fields(child) for child in items]
    return {root.tag: _fields(root)}


def _fields(element: ET.Element) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in element:
        if len(child):
            fields[child.tag] = [_fields(grand) for grand in child]
        else:
            fields[child.tag] = child.text or ""
    return fields


class Open311Client:
    def __init__(self, http: Any, endpoint: str) -> None:
        """``endpoint``: the base URL the partnership gave, e.g. https://host/open311/v2."""
        self.http = http
        self.endpoint = endpoint.rstrip("/")

    def _answer(self, response: Any, fmt: str) -> Answer:
        raw: bytes = response.content
        kind = response.headers.get("content-type", "")
        if fmt == "xml":
            assert "xml" in kind, kind
            assert raw.startswith(b"<?xml"), raw[:40]
            body = parse_xml(raw)
        else:
            assert kind.startswith("application/json"), kind
            body = json.loads(raw)
        return Answer(response.status_code, body, dict(response.headers), raw)

    def services(self, fmt: str = "json") -> Answer:
        return self._answer(self.http.get(f"{self.endpoint}/services.{fmt}"), fmt)

    def service_definition(self, code: str, fmt: str = "json") -> Answer:
        return self._answer(self.http.get(f"{self.endpoint}/services/{code}.{fmt}"), fmt)

    def post_request(self, fields: dict[str, str], fmt: str = "json") -> Answer:
        """Form-encoded, as the specification says (``api_key`` among the fields)."""
        return self._answer(self.http.post(f"{self.endpoint}/requests.{fmt}", data=fields), fmt)

    def get_request(self, request_id: str, fmt: str = "json", api_key: str | None = None) -> Answer:
        params = {"api_key": api_key} if api_key else None
        url = f"{self.endpoint}/requests/{request_id}.{fmt}"
        return self._answer(self.http.get(url, params=params), fmt)

    def requests(self, fmt: str = "json", **params: str) -> Answer:
        return self._answer(self.http.get(f"{self.endpoint}/requests.{fmt}", params=params), fmt)


def errors_of(answer: Answer) -> list[str]:
    """The descriptions of an error answer, after checking its shape and code."""
    assert 400 <= answer.status < 500, (answer.status, answer.raw)
    assert isinstance(answer.body, list) and answer.body, answer.raw
    for error in answer.body:
        assert set(error) == {"code", "description"}, error
        assert str(error["code"]) == str(answer.status)
        assert error["description"]
    return [str(e["description"]) for e in answer.body]
