"""The report form, driven the way a councillor drives it: keyboard and mouse, real widgets."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from wardapp.core.report import ReportInvalid, locate_report, parse_report, uk_today
from wardapp.core.taxonomy import Taxonomy, default_taxonomy
from wardapp.core.wards import Ward, default_ward_set
from wardapp.ui.report_form import DRAFT_INTERVAL_MS, NO_LOCATION, NOT_SAVED, ReportForm, error_slot


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


@pytest.fixture(scope="module")
def ward() -> Ward:
    return default_ward_set().wards[2]


@pytest.fixture
def form(qtbot: QtBot, taxonomy: Taxonomy) -> ReportForm:
    widget = ReportForm(taxonomy)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def place(form: ReportForm, ward: Ward) -> None:
    point = ward.geometry.representative_point()
    form.set_location(point.y, point.x, ward.name)


def tick(qtbot: QtBot, button: QAbstractButton) -> None:
    """Clicks a check box or radio button on its box, where a person clicks it."""
    middle = button.height() // 2
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(middle, middle))


def fill(qtbot: QtBot, form: ReportForm, ward: Ward) -> None:
    """What a councillor does for a typical report from a surgery."""
    form.category.setFocus()
    qtbot.keyClicks(form.category, "Motorbike")
    place(form, ward)
    tick(qtbot, form.time_rough)
    qtbot.keyClicks(form.time_band, "Evening")
    tick(qtbot, form.by_resident)
    qtbot.keyClicks(form.description, "  Two off-road bikes on the field every evening  ")
    tick(qtbot, form.repeat_issue)


def add_contact(qtbot: QtBot, form: ReportForm, consent: bool) -> None:
    form.contact.setFocus()
    qtbot.keyClick(form.contact, Qt.Key.Key_Space)
    qtbot.keyClicks(form.contact_name, "Pat Resident")
    qtbot.keyClicks(form.contact_email, "pat@example.org")
    if consent:
        tick(qtbot, form.consent)


def as_sent(values: dict[str, Any]) -> dict[str, Any]:
    """What the engine does before validating: an id for a new report and a capture time."""
    return {"id": str(uuid.uuid4()), **values, "captured_at": datetime.now(UTC).isoformat()}


def validation_errors(report: dict[str, Any], taxonomy: Taxonomy, **kwargs: Any) -> ReportInvalid:
    with pytest.raises(ReportInvalid) as caught:
        parse_report(report, taxonomy, **kwargs)
    return caught.value


def test_a_filled_form_saves_a_report_the_engine_accepts(
    qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy, ward: Ward
) -> None:
    fill(qtbot, form, ward)
    add_contact(qtbot, form, consent=True)
    with qtbot.waitSignal(form.saveRequested) as saved:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    values = saved.args[0]
    assert "captured_at" not in values and "id" not in values
    report = parse_report(as_sent(values), taxonomy)
    assert report.category == "motorbike_misuse"
    assert report.occurred_on == uk_today()
    assert (report.time_band, report.occurred_time) == ("evening", None)
    assert report.observed_by == "resident"
    assert report.description == "Two off-road bikes on the field every evening"
    assert report.repeat_issue is True
    assert report.resident_contact is not None and report.resident_contact.consent is True
    assert report.resident_contact.email == "pat@example.org"
    assert locate_report(report, default_ward_set()).code == ward.code


def test_exact_time_and_who_saw_it(qtbot: QtBot, form: ReportForm, ward: Ward) -> None:
    fill(qtbot, form, ward)
    tick(qtbot, form.time_exact)
    assert form.occurred_time.isVisible() and not form.time_band.isVisible()
    form.occurred_time.setFocus()
    qtbot.keyClicks(form.occurred_time, "2130")
    tick(qtbot, form.by_councillor)
    values = form.values()
    assert (values["occurred_time"], values["time_band"]) == ("21:30", None)
    assert values["observed_by"] == "councillor"
    tick(qtbot, form.time_unknown)
    assert (form.values()["occurred_time"], form.values()["time_band"]) == (None, None)


def test_location_line_says_where_the_report_is(form: ReportForm) -> None:
    assert form.place.text() == NO_LOCATION
    assert form.values()["lat"] is None and form.values()["lon"] is None
    form.set_location(54.554123, -1.2001, "Berwick Hills & Pallister")
    assert form.place.text() == "54.55412, -1.20010 — Berwick Hills & Pallister"
    form.set_location(54.7, -1.0, None)
    assert form.place.text() == "54.70000, -1.00000 — outside the wards"
    assert (form.values()["lat"], form.values()["lon"]) == (54.7, -1.0)


def test_help_text_follows_the_category(qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy) -> None:
    form.category.setFocus()
    qtbot.keyClicks(form.category, "Fly")
    fly_tipping = taxonomy.get("fly_tipping")
    assert fly_tipping is not None
    assert form.category_help.text() == fly_tipping.help


def test_character_counter_counts_as_you_type(qtbot: QtBot, form: ReportForm) -> None:
    assert form.counter.text() == "0 / 2000 characters"
    qtbot.keyClicks(form.description, "Bikes")
    assert form.counter.text() == "5 / 2000 characters"


def test_load_of_values_round_trips(
    qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy, ward: Ward
) -> None:
    fill(qtbot, form, ward)
    add_contact(qtbot, form, consent=True)
    draft = form.values()
    again = ReportForm(taxonomy)
    qtbot.addWidget(again)
    again.load(draft)
    assert again.values() == draft
    assert again.contact.isChecked() and again.contact_name.text() == "Pat Resident"


def test_a_correction_keeps_id_and_version(form: ReportForm, taxonomy: Taxonomy) -> None:
    saved = {
        "id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "version": 2,
        "category": "graffiti_damage",
        "occurred_on": "2026-01-14",
        "occurred_time": "07:05",
        "time_band": None,
        "lat": 54.5541,
        "lon": -1.2001,
        "accuracy_m": 30,
        "observed_by": "councillor",
        "description": "Tags on the bus shelter",
        "repeat_issue": False,
        "resident_contact": None,
        "captured_at": "2026-01-15T10:02:11Z",
    }
    form.load(saved)
    values = form.values()
    assert values == {k: v for k, v in saved.items() if k != "captured_at"}
    assert form.place.text() == "54.55410, -1.20010"
    form.set_location(54.5541, -1.2001, "Berwick Hills & Pallister")
    assert form.values() == values, "naming the ward of the same point changes nothing"
    assert form.place.text() == "54.55410, -1.20010 — Berwick Hills & Pallister"
    form.clear()
    assert "id" not in form.values() and "version" not in form.values()
    assert form.place.text() == NO_LOCATION and form.values()["category"] is None


def test_errors_go_next_to_their_fields_and_focus_moves_there(
    qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy, ward: Ward
) -> None:
    fill(qtbot, form, ward)
    add_contact(qtbot, form, consent=False)
    error = validation_errors(as_sent(form.values()), taxonomy)
    assert "resident_contact" in error.fields
    form.show_errors(error.message, error.fields)
    assert "consent" in form.error_text("contact")
    assert form.error_text("contact").startswith("⚠")
    assert form.consent.accessibleDescription() == form.error_text("contact")
    assert form.focusWidget() is form.consent
    assert form.form_error.text() == f"⚠ {NOT_SAVED}", "the engine's summary is not repeated"
    tick(qtbot, form.consent)
    assert form.error_text("contact") == ""
    assert "⚠" not in form.consent.accessibleDescription()


def test_the_first_field_on_screen_gets_focus(
    qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy, ward: Ward
) -> None:
    fill(qtbot, form, ward)
    add_contact(qtbot, form, consent=True)
    form.contact_email.clear()
    qtbot.keyClicks(form.contact_email, "not-an-email")
    yesterday = uk_today() - timedelta(days=1)
    error = validation_errors(as_sent(form.values()), taxonomy, today=yesterday)
    assert set(error.fields) == {"occurred_on", "resident_contact.email"}
    form.show_errors(error.message, dict(reversed(error.fields.items())))
    assert "future" in form.error_text("occurred_on")
    assert "email" in form.error_text("contact_email")
    assert form.focusWidget() is form.occurred_on
    qtbot.keyClicks(form.contact_email, "x")
    assert form.error_text("contact_email") == ""
    assert "future" in form.error_text("occurred_on")
    form.show_saved("Saved — will sync")
    assert form.error_text("occurred_on") == ""
    assert form.saved_line.text().endswith("Saved — will sync")


def test_missing_fields_are_asked_for_in_plain_words(
    qtbot: QtBot, form: ReportForm, taxonomy: Taxonomy
) -> None:
    qtbot.keyClicks(form.description, "Something happened")
    error = validation_errors(as_sent(form.values()), taxonomy)
    form.show_errors("Check the report.", {**error.fields, "captured_at": "Check the clock."})
    assert form.error_text("category") == "⚠ Choose a category from the list."
    assert form.error_text("place") == "⚠ Click the map to place the report."
    assert form.form_error.text() == "⚠ Check the report. captured_at: Check the clock."
    assert form.focusWidget() is form.category


def test_error_keys_map_to_the_form() -> None:
    assert error_slot("resident_contact.email") == "contact_email"
    assert error_slot("resident_contact.consent") == "contact"
    assert error_slot("resident_contact") == "contact"
    assert error_slot("occurred_time") == error_slot("time_band") == "time"
    assert error_slot("lon") == "place"
    assert error_slot("captured_at") is None


def test_an_empty_form_is_not_saved(qtbot: QtBot, form: ReportForm) -> None:
    with qtbot.assertNotEmitted(form.saveRequested):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "Nothing to save" in form.form_error.text() and form.form_error.isVisible()


def test_discard_asks_the_window(qtbot: QtBot, form: ReportForm) -> None:
    with qtbot.waitSignal(form.discardRequested):
        qtbot.mouseClick(form.discard_button, Qt.MouseButton.LeftButton)


def test_typing_keeps_a_draft(qtbot: QtBot, form: ReportForm) -> None:
    with qtbot.waitSignal(form.edited, timeout=3000) as draft:
        qtbot.keyClicks(form.description, "Bikes on the field")
    assert draft.args[0]["description"] == "Bikes on the field"


def test_loading_is_not_an_edit(qtbot: QtBot, form: ReportForm) -> None:
    """Only the councillor's own changes make a draft; filling the form in does not."""
    with qtbot.assertNotEmitted(form.edited, wait=DRAFT_INTERVAL_MS + 100):
        form.load({"category": "asb", "description": "Loaded"})
        form.clear()


def test_focus_first_focuses_the_category(form: ReportForm) -> None:
    form.description.setFocus()
    form.focus_first()
    assert form.focusWidget() is form.category


def test_every_focusable_widget_has_a_name(form: ReportForm) -> None:
    assert unnamed_focusable(form) == []


def test_every_input_has_a_visible_label(form: ReportForm) -> None:
    buddies = {id(label.buddy()) for label in form.findChildren(QLabel) if label.buddy()}
    inputs = [
        w
        for w in form.findChildren(QWidget)
        if isinstance(w, QLineEdit | QPlainTextEdit | QDateEdit | QTimeEdit)
        and w.focusProxy() is None
    ]
    assert inputs and all(id(w) in buddies for w in inputs)
    assert id(form.category) in buddies and id(form.time_band) in buddies


def unnamed_focusable(top: QWidget) -> list[str]:
    """Widgets a keyboard user can reach that a screen reader could not name.

    Parts of composite widgets (a date edit's line edit, a combo box's popup list) forward
    their focus or live in their own popup window, so they are skipped.
    """
    return [
        f"{type(w).__name__} {w.objectName()}"
        for w in top.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.focusProxy() is None
        and w.window() is top.window()
        and not w.accessibleName().strip()
    ]
