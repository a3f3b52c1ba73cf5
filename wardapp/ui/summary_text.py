"""What the ward summary view says, as plain functions: hidden counts, periods, table rows.

Kept apart from the widgets, and worded with the charts' and the PDF's own helpers, so
"fewer than 5", why a number is hidden and which months a period covers read the same on
screen, on the map and on paper. The thresholds always come from the AIM store's policy.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from wardapp.core.periods import latest_published
from wardapp.core.schemas import WardActions
from wardapp.core.summary_schemas import (
    AreaSummary,
    Count,
    HiddenReason,
    Overview,
    PolicyOut,
    WardSummary,
)
from wardapp.core.triage import PROGRESS_LABELS
from wardapp.ui.summary_charts import hidden_words, period_in_words
from wardapp.ui.summary_pdf import (
    day_words,
    hexagon_area_words,
    hotspot_rule,
    published_words,
    refreshed_words,
)

PERIOD_KINDS: tuple[tuple[str, str], ...] = (
    ("Month", "month"),
    ("Quarter", "quarter"),
    ("Year", "year"),
)


@dataclass(frozen=True)
class Cell:
    """One table cell: what is shown, what the tooltip explains, how it sorts."""

    text: str
    tooltip: str = ""
    sort: float | str | None = None
    number: bool = False  # right-aligned

    @property
    def key(self) -> float | str:
        return self.sort if self.sort is not None else self.text


def hidden_why(reason: HiddenReason | None, policy: PolicyOut) -> str:
    """Why the number is not there, for a tooltip, with the policy's own thresholds."""
    if reason == "withheld":
        return (
            "Not shown, so that a count of fewer than "
            f"{policy.min_count} cannot be worked out from the numbers around it."
        )
    return f"Counts of 1 to {policy.min_count - 1} are not shown, so that nobody can be identified."


def rounded_why(policy: PolicyOut) -> str:
    return f"Rounded to the nearest {policy.rounding}."


def count_cell(count: Count, policy: PolicyOut) -> Cell:
    if count.suppressed or count.count is None:
        # A small count sorts just above zero; a withheld one (of any size) below everything.
        order = -1.0 if count.reason == "withheld" else 0.5
        text = hidden_words(count.reason, policy)
        return Cell(text, hidden_why(count.reason, policy), order, True)
    return Cell(str(count.count), rounded_why(policy), float(count.count), True)


def short_note(policy: PolicyOut) -> str:
    """One line under the total; the whole account is at the end of the Categories section."""
    return (
        f"Counts are rounded to the nearest {policy.rounding}. “Fewer than {policy.min_count}” "
        "and “not shown” keep people from being identified (more under Categories)."
    )


def scope_name(summary: WardSummary | AreaSummary) -> str:
    """The heading's name: a ward's own, or "North area" for an area."""
    if isinstance(summary, AreaSummary):
        return f"{summary.area.name} area"
    return summary.ward.name


# --- periods ---------------------------------------------------------------------------


def period_choices(kind: str, today: date) -> list[tuple[str, str]]:
    """(what the picker shows, the period's label): closed periods only, newest first."""
    return [(period_in_words(p.label), p.label) for p in latest_published(today, kind)]


def refreshed_text(
    fetched_at: datetime,
    from_cache: bool,
    problem: str = "",
    summary: WardSummary | AreaSummary | None = None,
) -> str:
    """ "Published …. Last refreshed: …" as on the PDF; an offline copy says it is one."""
    text = refreshed_words(fetched_at)
    if summary is not None:
        text = f"{published_words(summary)}. {text}"
    if from_cache:
        reason = f"{problem} " if problem else ""
        text += f". {reason}This is the copy kept on this computer."
    return text


# --- table rows -------------------------------------------------------------------------


def category_rows(summary: WardSummary | AreaSummary) -> list[list[Cell]]:
    return [[Cell(c.label), count_cell(c, summary.policy)] for c in summary.categories]


def trend_rows(summary: WardSummary | AreaSummary) -> list[list[Cell]]:
    return [
        [Cell(period_in_words(point.period), sort=point.period), count_cell(point, summary.policy)]
        for point in reversed(summary.trend)  # newest first, as the picker lists them
    ]


def action_rows(actions: WardActions | None) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for item in actions.items if actions else []:
        update = item.last_update
        note = f"{day_words(update.on)}: {update.note}" if update else "No update yet"
        rows.append(
            [
                Cell(item.title, item.title),
                Cell(item.lead_agency),
                Cell(day_words(item.due_on), sort=item.due_on.isoformat()),
                Cell(PROGRESS_LABELS[item.progress]),
                Cell(note, note, sort=update.at.isoformat() if update else ""),
            ]
        )
    return rows


def overview_rows(overview: Overview) -> list[list[Cell]]:
    return [[Cell(w.name), count_cell(w, overview.policy)] for w in overview.wards]


def overview_totals(overview: Overview) -> dict[str, dict[str, Any]]:
    """Every ward's total for the map: the count (None when hidden) and the words to show."""
    return {
        w.code: {
            "name": w.name,
            "count": None if w.suppressed else w.count,
            "text": count_cell(w, overview.policy).text,
        }
        for w in overview.wards
    }


def hotspot_features(summary: WardSummary | AreaSummary) -> dict[str, object]:
    """The summary's hexagons, each with its label and a tooltip that says what it means."""
    policy, period_text = summary.policy, period_in_words(summary.period)
    rule = hotspot_rule(policy)
    features: Sequence[dict[str, object]] = summary.hotspots.get("features", [])
    marked = []
    for feature in features:
        properties = dict(feature.get("properties") or {})  # type: ignore[call-overload]
        count = properties.get("count")
        properties["label"] = str(count)
        properties["tooltip"] = (
            f"About {count} reports in this hexagon (about "
            f"{hexagon_area_words(policy.h3_resolution)}) in {period_text}. {rule}"
        )
        marked.append({**feature, "properties": properties})
    return {
        "type": "FeatureCollection",
        "features": marked,
        "title": "Hot spots",
    }
