"""Hostile names in the real map page: shown as text, never run, and no local file is readable.

A boundary file or a hostile store could name a ward ``<img src=x onerror=...>``. Loading
rejects such names (tests/core/test_ward_names.py); these tests build the ward set directly,
past that check, to prove the page itself is safe as well (defence in depth).
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.map_page import READY_TIMEOUT_MS, page_state, run_js
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import WardSet, default_ward_set
from wardapp.ui.map_view import MapView

# Each payload marks the page (title and a flag) and tries to read a local file.
STEAL = (
    "document.title='pwned';window.__pwned=1;"
    "try{var x=new XMLHttpRequest();x.open('GET','file:///etc/hostname',false);x.send();"
    "window.__stolen=x.responseText}catch(e){}"
)
HOSTILE_NAMES = [
    f'<img src=x onerror="{STEAL}">',
    f"</script><script>{STEAL}</script>",
    f'<svg onload="{STEAL}"></svg>',
    f'<a href="javascript:{STEAL}">Linthorpe</a>',
]
VICTIM = "E05009853"  # any ward code in the shipped set


def hostile_wards(name: str) -> WardSet:
    wards = default_ward_set()
    changed = [replace(w, name=name) if w.code == VICTIM else w for w in wards.wards]
    return WardSet(changed, wards.name, f"{wards.version}-hostile-{abs(hash(name))}")


def open_view(qtbot: QtBot, wards: WardSet, folder: Path) -> MapView:
    view = MapView(wards, default_taxonomy(), folder)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        pass
    return view


HOVER = (
    "(function () { var shown = null;"
    " wardmap.map.eachLayer(function (layer) {"
    "  if (layer.feature && layer.feature.properties.code === CODE && layer.getBounds) {"
    "   layer.fire('mouseover', {latlng: layer.getBounds().getCenter()}, true);"
    "   var tip = document.querySelector('.leaflet-tooltip');"
    "   shown = tip ? tip.textContent : null; } });"
    " return shown; })()"
).replace("CODE", json.dumps(VICTIM))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_ward_name_with_script_shows_as_text_on_hover(
    qtbot: QtBot, tmp_path: Path, name: str
) -> None:
    view = open_view(qtbot, hostile_wards(name), tmp_path)
    qtbot.waitUntil(lambda: page_state(qtbot, view)["wardsDrawn"] == 20, timeout=5000)
    shown = run_js(qtbot, view, HOVER)
    qtbot.wait(300)  # an <img> error or <svg> load handler would have run by now
    stolen = run_js(qtbot, view, "String(window.__stolen || '')")
    assert (run_js(qtbot, view, "String(window.__pwned || '')"), stolen) == ("", "")
    assert shown == name  # the literal name, as the user would read it
    assert run_js(qtbot, view, "document.title") != "pwned"
    assert run_js(qtbot, view, "document.querySelectorAll('.leaflet-tooltip img').length") == 0


READ_FILE = (
    "(function () { try { var x = new XMLHttpRequest();"
    " x.open('GET', 'file:///etc/hostname', false); x.send();"
    " return 'read:' + x.responseText; } catch (e) { return 'refused'; } })()"
)


def test_script_in_the_page_cannot_read_local_files(qtbot: QtBot, map_view: MapView) -> None:
    """Even script that did run (through a hole not yet found) cannot read the disk."""
    assert run_js(qtbot, map_view, READ_FILE) == "refused"


def test_script_in_the_page_cannot_open_windows(qtbot: QtBot, map_view: MapView) -> None:
    opened = run_js(qtbot, map_view, "String(window.open('about:blank') === null)")
    assert opened == "true"


def test_inline_script_outside_the_page_build_is_refused(qtbot: QtBot, map_view: MapView) -> None:
    """The page's Content-Security-Policy: markup that gets in cannot add a script."""
    script = (
        "var s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
        "document.body.appendChild(s);"
        "var i = document.createElement('div');"
        "i.innerHTML = '<img src=x onerror=\"window.__handler=1\">';"
        "document.body.appendChild(i); true"
    )
    run_js(qtbot, map_view, script)
    qtbot.wait(300)
    ran = "String(window.__inline || '') + String(window.__handler || '')"
    assert run_js(qtbot, map_view, ran) == ""
