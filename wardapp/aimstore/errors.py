"""Every error leaves as {"error", "message", "fields"} with a 4xx, never a traceback."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from wardapp.core.report import first_problems, friendly_message

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.fields = fields or {}
        self.headers: dict[str, str] = {}


def unauthorised(
    message: str = "Sign in again: your session is missing or has expired.",
) -> ApiError:
    error = ApiError(401, "unauthorised", message)
    error.headers["WWW-Authenticate"] = "Bearer"
    return error


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "Your role does not allow this.")


def _body(error: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": error, "message": message, "fields": fields or {}}


def error_response(
    status: int,
    error: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The error body for code outside the routes (middleware), where ApiError is not caught."""
    return JSONResponse(_body(error, message, fields), status, headers=headers)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            _body(exc.error, exc.message, exc.fields), exc.status, headers=exc.headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields: dict[str, str] = {}
        for item in exc.errors():
            loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
            key = ".".join(loc) or "body"
            kind = item.get("type", "")
            if kind == "json_invalid":
                fields.setdefault("body", "The body is not valid JSON.")
            else:
                fields.setdefault(key, friendly_message(item))
        fields = first_problems(fields)
        message = "The request is not valid: " + "; ".join(f"{k}: {v}" for k, v in fields.items())
        return JSONResponse(_body("invalid_request", message, fields), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return JSONResponse(_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(_body("server_error", "The AIM store had an internal problem."), 500)
