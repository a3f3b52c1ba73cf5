"""The analyst's workflow rules, pure: how a report's status may move, what an action holds.

Kept out of the server so the app can show the same choices (and the same refusals) that the
AIM store enforces, and so the rules are tested without a database.
"""

from datetime import date, timedelta
from typing import Literal

from wardapp.core.report import ReportStatus

# A report moves forward only; skipping a step is fine (a duplicate can go straight to closed).
TRIAGE_ORDER: tuple[ReportStatus, ...] = ("received", "assessed", "actioned", "closed")

ActionProgress = Literal["not_started", "on_track", "at_risk", "done"]
ACTION_PROGRESS: tuple[ActionProgress, ...] = ("not_started", "on_track", "at_risk", "done")
PROGRESS_LABELS: dict[ActionProgress, str] = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "done": "Done",
}
STATUS_NOTE_MAX = 2000
ACTION_NOTE_MAX = 2000
# A due date further ahead than this is almost always a mistyped year.
DUE_HORIZON = timedelta(days=5 * 366)


def triage_refusal(current: ReportStatus, new: ReportStatus) -> str | None:
    """Why ``current`` may not become ``new`` (a sentence for the analyst), or None if it may.

    Staying at the same status is allowed, so a note can change on its own.
    """
    if current == "withdrawn":
        return "The reporter withdrew this report, so it can no longer be triaged."
    if new == "withdrawn":
        return "Only the reporter can withdraw a report; close it instead."
    if TRIAGE_ORDER.index(new) < TRIAGE_ORDER.index(current):
        return f"The report is already {current}; its status cannot go back to {new}."
    return None


def due_date_problem(due_on: date, today: date) -> str | None:
    """A SMART action's due date is a real day ahead: not passed, not years away."""
    if due_on < today:
        return f"The due date {due_on.isoformat()} has passed; give a date from today on."
    if due_on > today + DUE_HORIZON:
        return f"The due date {due_on.isoformat()} is more than five years ahead; check the year."
    return None
