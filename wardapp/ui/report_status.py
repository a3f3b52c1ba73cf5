"""How a report's place in its journey is shown: one key, label and colour for each stage.

The colours are the Okabe-Ito palette, told apart by most colour-blind readers; each stage
also has its own marker shape and the label goes with both, so colour is never the only
signal.
"""

from dataclasses import dataclass

from wardapp.client.reports import MyReport


@dataclass(frozen=True)
class StatusStyle:
    label: str
    colour: str
    shape: str  # drawn by resources/web/wardmap-shapes.js


STATUS_STYLES: dict[str, StatusStyle] = {
    "pending": StatusStyle("Waiting to send", "#7a7a7a", "circle"),
    "sent": StatusStyle("Sent", "#56b4e9", "triangle-down"),
    "received": StatusStyle("Received", "#0072b2", "plus"),
    "assessed": StatusStyle("Assessed", "#e69f00", "diamond"),
    "actioned": StatusStyle("Actioned", "#009e73", "star"),
    "closed": StatusStyle("Closed", "#000000", "square"),
    "withdrawn": StatusStyle("Withdrawn", "#cc79a7", "cross"),
    "attention": StatusStyle("Needs your attention", "#d55e00", "triangle"),
}


def status_key(report: MyReport) -> str:
    """The stage the author should see: a change not yet sent first, then the server's word."""
    if report.sync_state == "pending":
        return "pending"
    if report.sync_state in ("rejected", "conflict"):
        return "attention"
    return report.server_status or "sent"
