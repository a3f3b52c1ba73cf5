"""Nothing the app ships may point at a CDN: the map has to work with no network at all."""

from pathlib import Path

import pytest

from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.folium_page import OfflineMap
from wardapp.ui.map_page import map_page

ROOT = Path(__file__).resolve().parents[2]
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "jsdelivr",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "code.jquery.com",
    "bootstrapcdn",
    "maxcdn",
    "googleapis.com",
    "gstatic.com",
    "stackpath",
    "rawgit",
    "githubusercontent",
)


def shipped_files() -> list[Path]:
    files = [p for folder in ("wardapp", "resources") for p in (ROOT / folder).rglob("*")]
    return [p for p in files if p.is_file() and "__pycache__" not in p.parts]


def test_no_shipped_file_names_a_cdn_host() -> None:
    offenders = []
    for path in shipped_files():
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        offenders += [f"{path.relative_to(ROOT)}: {host}" for host in CDN_HOSTS if host in text]
    assert offenders == []


def test_the_built_page_loads_only_local_files(tmp_path: Path) -> None:
    page = map_page(default_ward_set(), default_taxonomy(), tmp_path).read_text()
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    for _name, url in OfflineMap.default_js + OfflineMap.default_css:
        assert url.startswith("wardapp://map/")  # served by the app, never file:// or qrc:
        assert url in page
    assert "file://" not in page


@pytest.mark.parametrize(
    "asset", ["leaflet/leaflet.js", "leaflet/LICENSE", "supercluster/LICENSE", "wardmap.js"]
)
def test_vendored_assets_and_their_licences_are_shipped(asset: str) -> None:
    assert (ROOT / "resources" / "web" / asset).stat().st_size > 0
