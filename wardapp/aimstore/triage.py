"""An analyst's triage of one report: status forward, a note back to the reporter.

Every change bumps the report's change sequence, so the reporter's next pull of
/v1/reports/mine (after their sync token) brings the new status and note.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, audit, models
from wardapp.aimstore.changes import next_change_seq
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.models import utcnow
from wardapp.core.schemas import ReportPatch
from wardapp.core.triage import triage_refusal


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "There is no report with this id.")


def triage_report(
    session: Session, report_id: str, patch: ReportPatch, who: models.User, client: str
) -> models.Report:
    """Applies ``patch`` in the caller's transaction; a no-op PATCH writes nothing."""
    # Ids are UUIDs; anything else is simply unknown (and never reaches the database, where
    # PostgreSQL would refuse a NUL byte).
    if not (0 < len(report_id) <= 36 and report_id.isprintable()):
        raise _not_found()
    # Locked first, then the change counter: the same order as a batch upload, so a
    # correction racing a triage waits for it instead of deadlocking.
    report = session.scalar(
        select(models.Report).where(models.Report.id == report_id).with_for_update()
    )
    if report is None:
        raise _not_found()
    current = report.status
    new = patch.status or current
    refusal = triage_refusal(current, new)  # type: ignore[arg-type]
    if refusal:
        raise ApiError(409, "conflict", refusal, {"status": refusal})
    note = patch.status_note or None
    note_changed = "status_note" in patch.model_fields_set and note != report.status_note
    if new == current and not note_changed:
        return report
    before = aggregates.of_report(report)
    report.status = new
    after = aggregates.of_report(report)
    if before != after:  # an out-of-ward report counts in summaries once assessed
        aggregates.apply(session, [after] if after else [], [before] if before else [])
    if note_changed:
        report.status_note = note
    report.change_seq = next_change_seq(session)
    report.updated_at = utcnow()
    audit.record(
        session,
        "report_triaged",
        actor=who,
        target=report.id,
        detail={"from": current, "to": new, "note_changed": note_changed},
        client=client,
    )
    session.flush()
    return report
