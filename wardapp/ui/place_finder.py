"""Finding a place without the mouse: a ward by name, or coordinates typed as "lat, lon"."""

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QWidget

from wardapp.core.wards import WardSet
from wardapp.ui.plain_text import plain_label

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*$")


def parse_coordinates(text: str) -> tuple[float, float] | str:
    """(lat, lon) from "54.55, -1.20", or a sentence saying what to type instead."""
    match = _PAIR.match(text)
    if not match:
        return "Type the place as latitude, longitude, for example 54.5541, -1.2001."
    lat, lon = float(match.group(1)), float(match.group(2))
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        return "Latitude goes from -90 to 90 and longitude from -180 to 180; check the order."
    return lat, lon


class PlaceFinder(QWidget):
    """Emits ``wardChosen`` (code) or ``pointChosen`` (lat, lon); ``problem`` for bad input."""

    wardChosen = Signal(str)
    pointChosen = Signal(float, float)
    problem = Signal(str)

    def __init__(self, wards: WardSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ward = QComboBox()
        self.ward.setEditable(True)
        self.ward.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.ward.addItem("", "")
        for ward in sorted(wards.wards, key=lambda w: w.name):
            self.ward.addItem(ward.name, ward.code)
        completer = self.ward.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        line = self.ward.lineEdit()
        if line is not None:
            line.setPlaceholderText("Find a ward")
        self.ward.setAccessibleName("Find a ward by name")
        self.ward.activated.connect(self._ward_activated)
        self.coordinates = QLineEdit()
        self.coordinates.setPlaceholderText("54.5541, -1.2001")
        self.coordinates.setAccessibleName("Go to coordinates, latitude then longitude")
        self.coordinates.returnPressed.connect(self._coordinates_entered)
        ward_label = plain_label("&Ward:")
        ward_label.setBuddy(self.ward)
        place_label = plain_label("&Go to:")
        place_label.setBuddy(self.coordinates)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(ward_label)
        row.addWidget(self.ward, 2)
        row.addWidget(place_label)
        row.addWidget(self.coordinates, 1)

    def _ward_activated(self, index: int) -> None:
        code = self.ward.itemData(index)
        if code:
            self.wardChosen.emit(str(code))

    def _coordinates_entered(self) -> None:
        parsed = parse_coordinates(self.coordinates.text())
        if isinstance(parsed, str):
            self.problem.emit(parsed)
        else:
            self.pointChosen.emit(*parsed)
