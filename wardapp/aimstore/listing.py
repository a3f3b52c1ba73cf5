"""Cursor-paged lists of reports in change order, with a sync token for the next pull."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.changes import (
    BadToken,
    current_change_seq,
    decode_cursor,
    decode_sync_token,
    encode_cursor,
    encode_sync_token,
)
from wardapp.aimstore.errors import ApiError


@dataclass
class ReportPage:
    rows: list[Row[Any]]  # plain rows, not ORM objects: a page is read, never changed
    next_cursor: str | None
    sync_token: str


def page_of_reports(
    session: Session,
    key: bytes,
    filters: list[ColumnElement[bool]],
    since: str | None,
    cursor: str | None,
    limit: int,
) -> ReportPage:
    """Reports matching ``filters`` changed after ``since``, oldest change first.

    The upper bound is fixed on the first page and carried in the cursor, so paging through
    a list that is being written to neither skips nor repeats a report.
    """
    lower = _decode(decode_sync_token, key, since, "since") if since else 0
    if cursor:
        upper, last_seq, last_id = _decode(decode_cursor, key, cursor, "cursor")
        after: ColumnElement[bool] = or_(
            models.Report.change_seq > last_seq,
            and_(models.Report.change_seq == last_seq, models.Report.id > last_id),
        )
    else:
        upper = current_change_seq(session)
        after = models.Report.change_seq > lower
    rows = list(
        session.execute(
            select(*models.Report.__table__.columns)
            .where(
                *filters, after, models.Report.change_seq > lower, models.Report.change_seq <= upper
            )
            .order_by(models.Report.change_seq, models.Report.id)
            .limit(limit + 1)
        )
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(key, upper, rows[-1].change_seq, rows[-1].id)
    return ReportPage(rows, next_cursor, encode_sync_token(key, upper))


def _decode(decoder: Any, key: bytes, token: str, name: str) -> Any:
    try:
        return decoder(key, token)
    except BadToken:
        raise ApiError(
            400,
            "bad_token",
            f"The {name} value is not one this store gave out.",
            {name: "Unknown token."},
        ) from None
