"""Anonymised ward summaries for review: from the AIM store when it answers, else the last copy.

A closed period's summary can still change (a late report for last month is accepted and
counted), so the store is always asked first and the cached copy is only the fallback; each
answer is kept with the time it was fetched, so an offline view can say how old it is.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from wardapp.client.api import AimStoreApi, Refused, ServerTrouble, Unreachable
from wardapp.client.auth import Authenticator
from wardapp.client.cache import Cache
from wardapp.client.errors import ClientError, NotSignedIn
from wardapp.core.periods import latest_published, uk_today
from wardapp.core.schemas import ActionOut, WardActions
from wardapp.core.summary_schemas import AreaList, AreaSummary, Overview, WardSummary

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
ScopeKind = Literal["ward", "area"]


class SummaryUnavailable(ClientError):
    """Neither the AIM store nor this computer has the summary; the message says why."""


class Fetched(NamedTuple, Generic[M]):
    """An answer, when it was fetched (UTC), and whether it is the copy kept on this computer."""

    value: M
    fetched_at: datetime
    from_cache: bool
    problem: str = ""  # why the store was not used, when from_cache


@dataclass(frozen=True)
class Review:
    """Everything the ward summary view shows for one ward or area and period."""

    kind: ScopeKind
    code: str
    period: str
    summary: WardSummary | AreaSummary
    actions: WardActions | None
    fetched_at: datetime
    from_cache: bool
    problem: str = ""  # why an offline copy is shown
    actions_problem: str = ""  # why the actions are missing or old

    @property
    def request(self) -> tuple[str, str, str]:
        return self.kind, self.code, self.period


def summary_key(kind: ScopeKind, code: str, period: str) -> str:
    return f"summary:{kind}:{code}:{period}"


def _why_not(exc: Exception) -> str:
    """A plain sentence for a failed fetch, with what the councillor can do."""
    if isinstance(exc, NotSignedIn):
        return "You are not signed in to the AIM store."
    if isinstance(exc, ServerTrouble):
        return f"The AIM store is busy or down (HTTP {exc.status})."
    return "The AIM store cannot be reached."


class Summaries:
    """Fetches summaries, areas and actions through the signed-in account; keeps copies."""

    def __init__(self, cache: Cache, api: AimStoreApi, auth: Authenticator) -> None:
        self.cache = cache
        self.api = api
        self.auth = auth

    # --- one answer each ---------------------------------------------------------------
    def ward(self, code: str, period: str) -> Fetched[WardSummary]:
        request = partial(self.api.ward_summary, code=code, period=period)
        return self._fetch(summary_key("ward", code, period), request, WardSummary, "summary")

    def area(self, code: str, period: str) -> Fetched[AreaSummary]:
        request = partial(self.api.area_summary, code=code, period=period)
        return self._fetch(summary_key("area", code, period), request, AreaSummary, "summary")

    def overview(self, period: str) -> Fetched[Overview]:
        request = partial(self.api.overview, period=period)
        return self._fetch(f"overview:{period}", request, Overview, "overview")

    def areas(self) -> Fetched[AreaList]:
        return self._fetch("areas", self.api.areas, AreaList, "list of areas")

    def actions(self, ward_code: str) -> Fetched[WardActions]:
        """The same cache key as the background sync, so either keeps the other's copy."""
        request = partial(self.api.ward_actions, ward_code=ward_code)
        return self._fetch(f"actions:{ward_code}", request, WardActions, "list of actions")

    def area_actions(self, area: AreaSummary) -> Fetched[WardActions]:
        """Every action of the area's wards, once each: open ones by due date, then done."""
        found = [self.actions(ward.code) for ward in area.wards]
        items: dict[int, ActionOut] = {}
        for fetched in found:
            items.update((item.id, item) for item in fetched.value.items)
        ordered = sorted(items.values(), key=lambda a: (a.progress == "done", a.due_on, a.id))
        merged = WardActions(ward_code=area.area.code, ward_name=area.area.name, items=ordered)
        oldest = min((f.fetched_at for f in found), default=datetime.now(UTC))
        stale = next((f for f in found if f.from_cache), None)
        return Fetched(merged, oldest, stale is not None, stale.problem if stale else "")

    # --- what the view asks for ----------------------------------------------------------
    def review(self, kind: ScopeKind, code: str, period: str) -> Review:
        """The summary (raises SummaryUnavailable) and its actions (missing ones are said)."""
        summary: WardSummary | AreaSummary
        if kind == "ward":
            fetched_ward = self.ward(code, period)
            summary, at, cached, problem = fetched_ward
        else:
            fetched_area = self.area(code, period)
            summary, at, cached, problem = fetched_area
        actions: WardActions | None = None
        actions_problem = ""
        try:
            got = (
                self.area_actions(summary)
                if isinstance(summary, AreaSummary)
                else self.actions(code)
            )
            actions = got.value
            if got.from_cache and not cached:
                kept = got.fetched_at.astimezone()
                actions_problem = f"{got.problem} Actions as they were on {kept:%d %b %Y at %H:%M}."
        except SummaryUnavailable as exc:
            actions_problem = str(exc)
        return Review(kind, code, period, summary, actions, at, cached, problem, actions_problem)

    def refresh_own(self, ward_codes: Iterable[str], today: date | None = None) -> int:
        """During a sync: the user's wards for the latest closed month, the overview and the
        areas, so review works offline. Never raises: a summary must not fail a sync."""
        month = latest_published(today or uk_today(), "month")[0].label
        calls: list[Callable[[], object]] = [self.areas, partial(self.overview, month)]
        calls += [partial(self.ward, code, month) for code in ward_codes]
        done = 0
        for call in calls:
            try:
                fetched = call()
            except Exception as exc:  # logged; the reports' sync has already gone through
                log.warning("summary refresh skipped: %s", exc)
                continue
            if isinstance(fetched, Fetched) and fetched.from_cache:
                break  # offline now: the rest would fail the same way
            done += 1
        return done

    # --- the one way in ------------------------------------------------------------------
    def _fetch(
        self, key: str, request: Callable[[str], M], model: type[M], what: str
    ) -> Fetched[M]:
        try:
            value = self.auth.call(request)
        except Refused as exc:  # 409 not published, 422 bad period, 404 unknown ward
            raise SummaryUnavailable(exc.message) from None
        except ValidationError:
            raise SummaryUnavailable(
                f"The AIM store sent a {what} this version of wardapp does not understand."
            ) from None
        except (Unreachable, ServerTrouble, NotSignedIn) as exc:
            problem = _why_not(exc)
            kept = self._kept(key, model)
            if kept is not None:
                return Fetched(kept[0], kept[1], True, problem)
            raise SummaryUnavailable(
                f"{problem} No copy of this {what} is kept on this computer yet: "
                "try again when you are online."
            ) from None
        fetched_at = self.cache.put(key, value.model_dump(mode="json"))
        return Fetched(value, fetched_at, False)

    def _kept(self, key: str, model: type[M]) -> tuple[M, datetime] | None:
        entry = self.cache.entry(key)
        if entry is None:
            return None
        try:
            return model.model_validate(entry[0]), entry[1]
        except ValidationError:  # kept by an older version of the app
            return None
