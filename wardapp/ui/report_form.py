"""The report form: what a councillor fills in for one report, in plain words.

The form holds no rules of its own. The engine validates with
``wardapp.core.report.parse_report`` and hands its messages back through ``show_errors``,
so the form and the AIM store can never disagree about what a valid report is.
"""

from collections.abc import Callable, Mapping
from datetime import date
from itertools import pairwise
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from wardapp.core.report import DESCRIPTION_MAX, EARLIEST_DATE, uk_today
from wardapp.core.taxonomy import Taxonomy
from wardapp.ui.field_errors import WARNING, FieldErrors, error_label
from wardapp.ui.plain_text import plain_label

TIME_BANDS: tuple[tuple[str, str], ...] = (
    ("morning", "Morning"),
    ("afternoon", "Afternoon"),
    ("evening", "Evening"),
    ("night", "Night"),
)
DRAFT_INTERVAL_MS = 500
W = TypeVar("W", bound=QWidget)
NO_LOCATION = "Click the map to place the report"
NOT_SAVED = "Not saved yet: fix what is marked above."

# Engine field key -> the part of the form that shows its message. Keys not listed here
# (id, captured_at, version, withdrawn, report, ...) go to the form-level error line.
ERROR_SLOTS: dict[str, str] = {
    "category": "category",
    "occurred_on": "occurred_on",
    "occurred_time": "time",
    "time_band": "time",
    "lat": "place",
    "lon": "place",
    "accuracy_m": "place",
    "observed_by": "observed_by",
    "description": "description",
    "repeat_issue": "repeat_issue",
    "resident_contact": "contact",
    "resident_contact.name": "contact_name",
    "resident_contact.phone": "contact_phone",
    "resident_contact.email": "contact_email",
}


def error_slot(key: str) -> str | None:
    """Which part of the form shows the engine's message for ``key`` (None: form-level)."""
    if key in ERROR_SLOTS:
        return ERROR_SLOTS[key]
    return "contact" if key.startswith("resident_contact.") else None


def _stack(*widgets: QWidget, horizontal: bool = False) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box) if horizontal else QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if horizontal:
        layout.addStretch(1)
    return box


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ReportForm(QWidget):
    """One report, new or a correction; plain data in, signals out."""

    saveRequested = Signal(dict)
    edited = Signal(dict)
    discardRequested = Signal()

    def __init__(self, taxonomy: Taxonomy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._taxonomy = taxonomy
        self._loading = False
        self._identity: dict[str, Any] = {}
        self._location: tuple[float, float] | None = None
        self._accuracy: float | None = None
        self._tab_order: list[QWidget] = []
        self._errors = FieldErrors()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self._draft_timer.timeout.connect(lambda: self.edited.emit(self.values()))
        self._build()
        self._connect()
        self.clear()

    # -- building ---------------------------------------------------------------------------

    def _focusable(self, widget: W, name: str, description: str = "") -> W:
        """Names the widget for screen readers and puts it next in the tab order."""
        widget.setAccessibleName(name)
        widget.setAccessibleDescription(description)
        self._tab_order.append(widget)
        return widget

    def _error(
        self, slot: str, widgets: list[QWidget], focus: Callable[[], QWidget] | None = None
    ) -> QLabel:
        label = error_label()
        self._errors.add(slot, label, widgets, focus)
        return label

    @staticmethod
    def _row(form: QFormLayout, text: str, buddy: QWidget, *widgets: QWidget) -> None:
        label = plain_label(text)
        label.setBuddy(buddy)
        form.addRow(label, _stack(*widgets))

    def _build(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.category = self._focusable(
            QComboBox(), "Category", "The kind of issue; its explanation appears below."
        )
        self.category.addItem("Choose a category", None)
        for category in self._taxonomy.categories:
            self.category.addItem(category.label, category.code)
        self.category_help = plain_label()
        self.category_help.setWordWrap(True)
        error = self._error("category", [self.category])
        self._row(form, "&Category", self.category, self.category, self.category_help, error)

        self.occurred_on = self._focusable(
            QDateEdit(), "Date it happened", "Day, month and year; not in the future."
        )
        self.occurred_on.setCalendarPopup(True)
        self.occurred_on.setDisplayFormat("dd/MM/yyyy")
        self.occurred_on.setMinimumDate(_qdate(EARLIEST_DATE))
        self._date_limit = QTimer(self)  # today moves on at midnight while the app stays open
        self._date_limit.timeout.connect(
            lambda: self.occurred_on.setMaximumDate(_qdate(uk_today()))
        )
        self._date_limit.start(5 * 60 * 1000)
        error = self._error("occurred_on", [self.occurred_on])
        self._row(form, "&Date it happened", self.occurred_on, self.occurred_on, error)

        self.time_exact = self._focusable(QRadioButton("E&xact time"), "Exact time known")
        self.time_rough = self._focusable(QRadioButton("Ro&ughly"), "Rough time known")
        self.time_unknown = self._focusable(QRadioButton("N&ot known"), "Time not known")
        self._time_choice = QButtonGroup(self)
        for button in (self.time_exact, self.time_rough, self.time_unknown):
            self._time_choice.addButton(button)
        # Only the input that fits the choice is shown, each with its own label.
        self.occurred_time = self._focusable(
            QTimeEdit(), "Time it happened", "24-hour clock, hours and minutes."
        )
        self.occurred_time.setDisplayFormat("HH:mm")
        self._time_label = plain_label("Time (24-hour clock)")
        self._time_label.setBuddy(self.occurred_time)
        self.time_band = self._focusable(QComboBox(), "Part of the day")
        for code, text in TIME_BANDS:
            self.time_band.addItem(text, code)
        self._band_label = plain_label("Part of the day")
        self._band_label.setBuddy(self.time_band)
        time_widgets: list[QWidget] = [
            self.time_exact,
            self.time_rough,
            self.time_unknown,
            self.occurred_time,
            self.time_band,
        ]
        choice = _stack(*time_widgets[:3], horizontal=True)
        detail = _stack(
            self._time_label, self.occurred_time, self._band_label, self.time_band, horizontal=True
        )
        error = self._error("time", time_widgets, self._time_focus)
        self._row(form, "&Time of day", self.time_exact, choice, detail, error)

        self.place = self._focusable(
            plain_label(NO_LOCATION), "Place on the map", "Click the map to set or move the place."
        )
        self.place.setWordWrap(True)
        self.place.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.place.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        error = self._error("place", [self.place])
        self._row(form, "Place", self.place, self.place, error)

        self.by_councillor = self._focusable(QRadioButton("I saw it myself"), "I saw it myself")
        self.by_resident = self._focusable(QRadioButton("A resident told me"), "A resident told me")
        self._observed = QButtonGroup(self)
        self._observed.addButton(self.by_councillor)
        self._observed.addButton(self.by_resident)
        who = _stack(self.by_councillor, self.by_resident, horizontal=True)
        error = self._error("observed_by", [self.by_councillor, self.by_resident], self._who_focus)
        self._row(form, "Who s&aw it", self.by_councillor, who, error)

        self.description = self._focusable(
            QPlainTextEdit(), "What happened", f"Up to {DESCRIPTION_MAX} characters."
        )
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 5)
        self.counter = plain_label()
        error = self._error("description", [self.description])
        self._row(form, "What hap&pened", self.description, self.description, self.counter, error)

        self.repeat_issue = self._focusable(
            QCheckBox("This &keeps happening"), "This keeps happening"
        )
        form.addRow(_stack(self.repeat_issue, self._error("repeat_issue", [self.repeat_issue])))

        self.contact = self._focusable(
            QGroupBox("Resident would like to be contacted"),
            "Resident would like to be contacted",
            "Tick to add the resident's details.",
        )
        self.contact.setCheckable(True)
        contact_form = QFormLayout(self.contact)
        contact_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.contact_name = self._focusable(QLineEdit(), "Resident's name")
        self.contact_phone = self._focusable(QLineEdit(), "Resident's phone number")
        self.contact_email = self._focusable(QLineEdit(), "Resident's email address")
        for text, slot, edit in (
            ("Nam&e", "contact_name", self.contact_name),
            ("Phone", "contact_phone", self.contact_phone),
            ("Emai&l", "contact_email", self.contact_email),
        ):
            self._row(contact_form, text, edit, edit, self._error(slot, [edit]))
        self.consent = self._focusable(
            QCheckBox("The resident agreed that the partnership may contact them"),
            "The resident agreed that the partnership may contact them",
        )
        error = self._error("contact", [self.consent], self._contact_focus)
        contact_form.addRow(_stack(self.consent, error))
        form.addRow(self.contact)

        content = QWidget()
        content.setLayout(form)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setWidget(content)

        self.form_error = error_label()
        self.saved_line = plain_label()
        self.saved_line.setWordWrap(True)
        self.saved_line.hide()
        self.discard_button = self._focusable(
            QPushButton("D&iscard"), "Discard report", "Throws away what is in the form."
        )
        self.save_button = self._focusable(
            QPushButton("&Save report"), "Save report", "Keeps it on this computer until synced."
        )
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)

        outer = QVBoxLayout(self)
        outer.addWidget(self._scroll, 1)
        outer.addWidget(self.form_error)
        outer.addWidget(self.saved_line)
        outer.addLayout(buttons)
        for first, second in pairwise(self._tab_order):
            QWidget.setTabOrder(first, second)

    def _time_focus(self) -> QWidget:
        if self.time_exact.isChecked():
            return self.occurred_time
        return self.time_band if self.time_rough.isChecked() else self.time_exact

    def _who_focus(self) -> QWidget:
        return self.by_resident if self.by_resident.isChecked() else self.by_councillor

    def _contact_focus(self) -> QWidget:
        return self.contact_name if self.consent.isChecked() else self.consent

    def _connect(self) -> None:
        self.category.currentIndexChanged.connect(self._show_category_help)
        self.description.textChanged.connect(self._count_characters)
        self._time_choice.buttonToggled.connect(self._time_mode_changed)
        self.contact.toggled.connect(self._contact_toggled)
        changes: list[tuple[Any, str]] = [
            (self.category.currentIndexChanged, "category"),
            (self.occurred_on.dateChanged, "occurred_on"),
            (self.occurred_time.timeChanged, "time"),
            (self.time_band.currentIndexChanged, "time"),
            (self._observed.buttonToggled, "observed_by"),
            (self.description.textChanged, "description"),
            (self.repeat_issue.toggled, "repeat_issue"),
            (self.contact_name.textChanged, "contact_name"),
            (self.contact_phone.textChanged, "contact_phone"),
            (self.contact_email.textChanged, "contact_email"),
            (self.consent.toggled, "contact"),
        ]
        for signal, slot in changes:
            signal.connect(lambda *_, slot=slot: self._user_changed(slot))
        self.save_button.clicked.connect(self._save_clicked)
        self.discard_button.clicked.connect(self.discardRequested.emit)

    # -- public API -------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.category.setFocus()

    def set_location(self, lat: float, lon: float, ward_name: str | None) -> None:
        """Called when the councillor clicks the map or moves the pin, or to name the ward.

        The same point again (say, after ``load``) only names the ward: it is not an edit.
        """
        moved = self._location != (lat, lon)
        self._location = (lat, lon)
        self._show_place(ward_name or "outside the wards")
        if moved:
            self._accuracy = None
            self._user_changed("place")

    def values(self) -> dict[str, Any]:
        """The report in wire format, without ``captured_at`` (the engine adds it)."""
        data: dict[str, Any] = dict(self._identity)
        data["category"] = self.category.currentData()
        data["occurred_on"] = self.occurred_on.date().toString("yyyy-MM-dd")
        exact, rough = self.time_exact.isChecked(), self.time_rough.isChecked()
        data["occurred_time"] = self.occurred_time.time().toString("HH:mm") if exact else None
        data["time_band"] = self.time_band.currentData() if rough else None
        data["lat"], data["lon"] = self._location or (None, None)
        if self._accuracy is not None:
            data["accuracy_m"] = self._accuracy
        data["observed_by"] = None
        if self.by_councillor.isChecked() or self.by_resident.isChecked():
            data["observed_by"] = "councillor" if self.by_councillor.isChecked() else "resident"
        data["description"] = self.description.toPlainText().strip()
        data["repeat_issue"] = self.repeat_issue.isChecked()
        data["resident_contact"] = None
        if self.contact.isChecked():
            data["resident_contact"] = {
                "name": self.contact_name.text().strip() or None,
                "phone": self.contact_phone.text().strip() or None,
                "email": self.contact_email.text().strip() or None,
                "consent": self.consent.isChecked(),
            }
        return data

    def load(self, report: Mapping[str, Any]) -> None:
        """Fills the form from a wire-format report or draft; keeps its ``id`` and ``version``.

        Shows the place as coordinates only: call ``set_location`` afterwards to name the ward.
        """
        self._loading = True
        try:
            self._reset_fields()
            self._identity = {k: report[k] for k in ("id", "version") if report.get(k) is not None}
            code = report.get("category")
            index = self.category.findData(code) if code else 0
            if index < 0:
                self.category.addItem(f"{code} (no longer in the list)", code)
                index = self.category.count() - 1
            self.category.setCurrentIndex(index)
            day = QDate.fromString(str(report.get("occurred_on") or ""), "yyyy-MM-dd")
            if day.isValid():
                self.occurred_on.setDate(day)
            exact = QTime.fromString(str(report.get("occurred_time") or ""), "HH:mm")
            band = self.time_band.findData(report.get("time_band"))
            if exact.isValid():
                self.occurred_time.setTime(exact)
                self.time_exact.setChecked(True)
            elif band >= 0:
                self.time_band.setCurrentIndex(band)
                self.time_rough.setChecked(True)
            lat, lon = report.get("lat"), report.get("lon")
            if isinstance(lat, int | float) and isinstance(lon, int | float):
                self._location = (float(lat), float(lon))
                accuracy = report.get("accuracy_m")
                self._accuracy = float(accuracy) if isinstance(accuracy, int | float) else None
                self._show_place(None)
            self._set_observed(report.get("observed_by"))
            self.description.setPlainText(str(report.get("description") or ""))
            self.repeat_issue.setChecked(report.get("repeat_issue") is True)
            contact = report.get("resident_contact")
            if isinstance(contact, Mapping):
                self.contact.setChecked(True)
                self.contact_name.setText(str(contact.get("name") or ""))
                self.contact_phone.setText(str(contact.get("phone") or ""))
                self.contact_email.setText(str(contact.get("email") or ""))
                self.consent.setChecked(contact.get("consent") is True)
        finally:
            self._loading = False
            self._draft_timer.stop()

    def clear(self) -> None:
        """An empty new report: nothing kept, not even the place. Keeps a "saved" line."""
        self._loading = True
        try:
            self._reset_fields()
        finally:
            self._loading = False
            self._draft_timer.stop()

    def show_errors(self, message: str, fields: dict[str, str]) -> None:
        """Puts each of the engine's messages next to its field and focuses the first one.

        ``message`` is shown only when some message has no field of its own (or there are no
        fields): when every message sits beside its field, a short summary replaces it, so the
        engine's one-line "Fix the report: ..." is not repeated under the form.
        """
        self._clear_errors()
        texts: dict[str, list[str]] = {}
        loose: list[str] = []
        for key, text in fields.items():
            slot = error_slot(key)
            text = self._prompt_if_empty(slot, text)
            if slot is None:
                loose.append(f"{key}: {text}")
            elif text not in texts.setdefault(slot, []):
                texts[slot].append(text)
        for slot, slot_texts in texts.items():
            self._errors.show(slot, " ".join(slot_texts))
        if loose or not texts:
            parts = [message] if message else []
            parts += [item for item in loose if item not in message]
        else:
            parts = [NOT_SAVED]
        self.form_error.setText(WARNING + " ".join(parts or [NOT_SAVED]))
        self.form_error.show()
        focused = self._errors.focus_first(list(texts))
        if focused is not None:
            self._scroll.ensureWidgetVisible(focused)
        else:
            self.save_button.setFocus()

    def show_saved(self, text: str) -> None:
        """A confirmation line; stays until the councillor next changes something."""
        self._clear_errors()
        self.saved_line.setText("✓ " + text)
        self.saved_line.show()

    def error_text(self, slot: str) -> str:
        """The message shown for one part of the form ('' when none); see ``ERROR_SLOTS``."""
        return self._errors.text(slot)

    # -- behaviour --------------------------------------------------------------------------

    def _reset_fields(self) -> None:
        self._identity = {}
        self._location = None
        self._accuracy = None
        while self.category.count() > len(self._taxonomy.categories) + 1:
            self.category.removeItem(self.category.count() - 1)
        self.category.setCurrentIndex(0)
        today = _qdate(uk_today())
        self.occurred_on.setMaximumDate(today)
        self.occurred_on.setDate(today)
        now = QTime.currentTime()
        self.occurred_time.setTime(QTime(now.hour(), now.minute()))
        self.time_band.setCurrentIndex(0)
        self.time_unknown.setChecked(True)
        self.place.setText(NO_LOCATION)
        self._set_observed("resident")
        self.description.setPlainText("")
        self.repeat_issue.setChecked(False)
        for edit in (self.contact_name, self.contact_phone, self.contact_email):
            edit.clear()
        self.consent.setChecked(False)
        self.contact.setChecked(False)
        self._clear_errors()
        self._show_category_help()
        self._count_characters()
        self._time_mode_changed()

    def _set_observed(self, who: Any) -> None:
        self._observed.setExclusive(False)
        self.by_councillor.setChecked(who == "councillor")
        self.by_resident.setChecked(who == "resident")
        self._observed.setExclusive(True)

    def _show_place(self, ward: str | None) -> None:
        assert self._location is not None
        lat, lon = self._location
        text = f"{lat:.5f}, {lon:.5f}"
        self.place.setText(f"{text} — {ward}" if ward else text)

    def _show_category_help(self) -> None:
        code = self.category.currentData()
        category = self._taxonomy.get(code) if isinstance(code, str) else None
        if category is not None:
            self.category_help.setText(category.help)
        elif code:
            self.category_help.setText("This category is no longer in use; choose another.")
        else:
            self.category_help.setText("Choose the kind of issue; an explanation appears here.")

    def _count_characters(self) -> None:
        count = len(self.description.toPlainText().strip())
        text = f"{count} / {DESCRIPTION_MAX} characters"
        if count > DESCRIPTION_MAX:
            text += f" — {count - DESCRIPTION_MAX} too many"
        self.counter.setText(text)

    def _time_mode_changed(self, *_: object) -> None:
        exact, rough = self.time_exact.isChecked(), self.time_rough.isChecked()
        self._time_label.setHidden(not exact)
        self.occurred_time.setHidden(not exact)
        self._band_label.setHidden(not rough)
        self.time_band.setHidden(not rough)
        self._user_changed("time")

    def _contact_toggled(self) -> None:
        for slot in ("contact", "contact_name", "contact_phone", "contact_email"):
            self._errors.clear(slot)
        self._user_changed("contact")

    def _user_changed(self, slot: str) -> None:
        """Clears that field's error and schedules a draft, at most one per interval."""
        if self._loading:
            return
        self._errors.clear(slot)
        self.saved_line.hide()
        if not self._draft_timer.isActive():
            self._draft_timer.start()

    def _save_clicked(self) -> None:
        data = self.values()
        if data["category"] is None and data["lat"] is None and not data["description"]:
            self._clear_errors()
            self.form_error.setText(
                WARNING + "Nothing to save yet: choose a category, click the map "
                "and say what happened."
            )
            self.form_error.show()
            self.category.setFocus()
            return
        self._draft_timer.stop()  # the save itself ends the draft; no stale copy after it
        self.saveRequested.emit(data)

    def flush_draft(self) -> None:
        """A draft still waiting for its timer is given now (the window is closing)."""
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self.edited.emit(self.values())

    def _prompt_if_empty(self, slot: str | None, text: str) -> str:
        """The engine says "Must be text" of a missing category; the form knows it is empty."""
        if slot == "category" and self.category.currentData() is None:
            return "Choose a category from the list."
        if slot == "place" and self._location is None:
            return "Click the map to place the report."
        if slot == "observed_by" and self._observed.checkedButton() is None:
            return "Choose who saw it."
        return text

    def _clear_errors(self) -> None:
        self._errors.clear_all()
        self.form_error.hide()
        self.form_error.clear()


__all__ = ["ERROR_SLOTS", "ReportForm", "error_slot"]
