"""The user's settings applied to a running window: text size, sync interval, street map.

The settings model (settings.py) says what each option is; this module only carries a
choice to the parts it changes, and says in the status bar when one cannot be applied.
"""

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow

from wardapp.ui.basemap import apply_basemap, default_tile_cache_folder, save_visible_area
from wardapp.ui.engine import Engine
from wardapp.ui.font_scale import apply_font_scale, apply_font_scale_to_view
from wardapp.ui.map_view import MapView
from wardapp.ui.settings import (
    BASEMAP_SETTINGS,
    AppSettings,
    SettingsInvalid,
    SettingsStore,
    changed,
    validate,
)
from wardapp.ui.settings_dialog import SettingsDialog
from wardapp.ui.tile_scheme import tile_scheme_handler

MESSAGE_MS = 15_000


class Preferences:
    def __init__(
        self,
        window: QMainWindow,
        map_view: MapView,
        engine: Engine,
        settings: AppSettings,
        store: SettingsStore | None,
        tile_cache: Path | None = None,
    ) -> None:
        self.window = window
        self.map = map_view
        self.engine = engine
        self.settings = replace(settings, server_url=engine.server_url)
        self.store = store
        self.tile_cache = tile_cache or default_tile_cache_folder()
        self.tiles = tile_scheme_handler()

    def apply_at_start(self) -> None:
        apply_font_scale_to_view(self.map, self.settings.font_scale)
        self._apply_basemap(self.settings)
        problems = validate(self.settings)
        if problems:
            self._say(" ".join(problems.values()))

    def edit(self) -> None:
        dialog = SettingsDialog(self.settings, self.window)
        dialog.settingsChosen.connect(self.apply)
        dialog.open()

    def apply(self, new: AppSettings) -> None:
        if self.store is not None:
            try:
                self.store.save(new)
            except SettingsInvalid as exc:
                self._say(" ".join(exc.problems.values()))
                return
            except OSError as exc:
                self._say(f"The settings could not be saved: {exc.strerror or exc}.")
        old, self.settings = self.settings, new
        difference = changed(old, new)
        if "font_scale" in difference:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_font_scale(app, new.font_scale)
            apply_font_scale_to_view(self.map, new.font_scale)
        if "sync_interval_min" in difference:
            self.engine.scheduler.interval_s = new.sync_interval_s
            self.engine.sync_now()
        if difference & BASEMAP_SETTINGS:
            self._apply_basemap(new)
        if "ca_bundle" in difference:
            self._say("The new certificate bundle is used from the next start of wardapp.")

    def save_area(self) -> None:
        save_visible_area(self.map, self.tiles, self.window, self._say)

    def _apply_basemap(self, settings: AppSettings) -> None:
        problem = apply_basemap(
            self.map,
            self.tiles,
            settings.basemap,
            settings.mbtiles_path or None,
            settings.tile_url or None,
            settings.tile_attribution or None,
            self.tile_cache,
            settings.tile_cache_mb,
            bulk_allowed=settings.offline_areas_allowed,
        )
        if problem:
            self._say(problem)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)
