"""The shared API bodies: the limits and names the wire format fixes."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.core.factories import wire_report
from wardapp.core.schemas import (
    BATCH_MAX,
    PAGE_MAX,
    ROLES,
    BatchRequest,
    BatchResponse,
    ErrorBody,
    ItemResult,
    Page,
    ReportOut,
    TokenRequest,
    TokenResponse,
    UserInfo,
)


def test_roles_and_limits_match_the_design() -> None:
    assert ROLES == ("councillor", "analyst", "admin")
    assert BATCH_MAX == 500
    assert PAGE_MAX == 1000


def test_batch_takes_one_to_five_hundred_raw_items() -> None:
    assert len(BatchRequest(reports=[{}] * BATCH_MAX).reports) == BATCH_MAX
    # Items stay raw: a bad one is rejected alone later, not the whole batch here.
    assert BatchRequest(reports=[None, 7, "x"]).reports == [None, 7, "x"]
    with pytest.raises(ValidationError):
        BatchRequest(reports=[])
    with pytest.raises(ValidationError):
        BatchRequest(reports=[{}] * (BATCH_MAX + 1))


def test_batch_refuses_unknown_top_level_keys() -> None:
    with pytest.raises(ValidationError):
        BatchRequest.model_validate({"reports": [{}], "report": [{}]})


@pytest.mark.parametrize("status", ["created", "updated", "duplicate", "conflict", "rejected"])
def test_item_result_statuses(status: str) -> None:
    result = ItemResult.model_validate({"id": "x", "status": status})
    assert result.model_dump() == {"id": "x", "status": status, "error": None}


def test_item_result_refuses_other_statuses() -> None:
    with pytest.raises(ValidationError):
        ItemResult.model_validate({"id": "x", "status": "accepted"})


def test_batch_response_shape() -> None:
    body: dict[str, Any] = {
        "results": [
            {"id": "a", "status": "created", "error": None},
            {
                "id": None,
                "status": "rejected",
                "error": {"code": "invalid", "message": "Fix the report: id: This is required."},
            },
        ]
    }
    parsed = BatchResponse.model_validate(body)
    assert parsed.results[1].error is not None
    assert parsed.results[1].error.fields == {}


def test_password_keeps_its_spaces_but_names_are_trimmed() -> None:
    request = TokenRequest(username=" cllr ", password=" secret ", device_name=" laptop ")
    assert request.username == "cllr"
    assert request.device_name == "laptop"
    assert request.password == " secret "


@pytest.mark.parametrize("field", ["username", "password", "device_name"])
def test_token_request_fields_are_required_and_non_empty(field: str) -> None:
    body = {"username": "cllr", "password": "pw", "device_name": "laptop"}
    body[field] = ""
    with pytest.raises(ValidationError):
        TokenRequest.model_validate(body)


def test_token_response_is_bearer() -> None:
    response = TokenResponse(
        access_token="a",
        refresh_token="r",
        expires_in=900,
        user=UserInfo(username="cllr", role="councillor", wards=["E05009853"]),
    )
    assert response.model_dump()["token_type"] == "bearer"
    with pytest.raises(ValidationError):
        UserInfo.model_validate({"username": "x", "role": "superuser", "wards": []})


def test_report_out_adds_the_server_fields() -> None:
    out = ReportOut.model_validate(
        wire_report(
            ward_code="E05009855",
            status="received",
            source="wardapp",
            server_received_at=datetime(2026, 10, 15, 11, 0, tzinfo=UTC),
            reporter_internal_id=5,
        )
    )
    dumped = out.model_dump(mode="json")
    assert dumped["ward_code"] == "E05009855"
    assert dumped["status"] == "received"
    assert dumped["status_note"] is None
    assert "reporter_internal_id" not in dumped


def test_page_and_error_body() -> None:
    page = Page[str](items=["a"], next_cursor=None, sync_token="t")
    assert page.model_dump() == {"items": ["a"], "next_cursor": None, "sync_token": "t"}
    error = ErrorBody(error="invalid_request", message="Bad.")
    assert error.model_dump() == {"error": "invalid_request", "message": "Bad.", "fields": {}}
