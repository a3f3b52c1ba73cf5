"""Answers serialised in the route, once."""

from fastapi import Response
from pydantic import BaseModel


def json_response(answer: BaseModel) -> Response:
    """FastAPI would validate a returned model again, on another worker thread, while the
    request's transaction (and any lock it holds) waits to commit; the model is already valid.
    Routes keep ``response_model`` for the API documentation."""
    return Response(answer.model_dump_json(), media_type="application/json")
