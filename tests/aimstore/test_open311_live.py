"""A reporting system talking to a real AIM store process over HTTP, as FixMyStreet would:
a key from the command line, a form-encoded POST, the answers read as JSON and as XML."""

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live_store import LiveStore, running_copy
from tests.support.open311_client import Open311Client, errors_of
from wardapp.aimstore.cli import main
from wardapp.aimstore.settings import CONFIG_FILE_VARIABLE
from wardapp.core.wards import WardSet


@pytest.fixture
def store(migrated_template: Path, tmp_path: Path) -> Iterator[LiveStore]:
    with running_copy(migrated_template, tmp_path) as live:
        yield live


def apikey(store: LiveStore, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """`wardapp-aimstore apikey ARGS` on the store's database (in this process: quicker)."""
    monkeypatch.setenv("WARDAPP_AIMSTORE_DATABASE_URL", store.env["WARDAPP_AIMSTORE_DATABASE_URL"])
    monkeypatch.setenv(CONFIG_FILE_VARIABLE, "")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["apikey", *args]) == 0
    return out.getvalue()


def test_a_reporting_system_sends_a_report_and_reads_it_back(
    store: LiveStore, wards: WardSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = apikey(store, monkeypatch, "add", "--name", "fixmystreet").strip().splitlines()[-1]
    with requests.Session() as http:
        open311 = Open311Client(http, f"{store.url}/open311/v2")
        services = open311.services("xml")
        assert services.status == 200
        assert {"asb", "fly_tipping"} <= {s["service_code"] for s in services.body}

        point = wards.wards[0].geometry.representative_point()
        fields = {
            "api_key": key,
            "jurisdiction_id": "middlesbrough.gov.uk",
            "service_code": "graffiti_damage",
            "lat": str(point.y),
            "long": str(point.x),
            "description": "Tags sprayed on the café bus shelter again",
            "first_name": "Sam",
            "email": "sam@example.org",
            "attribute[urgent]": "no",  # FixMyStreet sends attributes; none are defined here
            "media_url": "https://example.org/photo.jpg",
        }
        posted = open311.post_request(fields, "xml")
        assert posted.status == 200, posted.raw
        [created] = posted.body
        request_id = created["service_request_id"]
        assert created["service_notice"] and created["account_id"] == ""

        [public] = open311.get_request(request_id, "xml").body
        assert public["status"] == "open" and public["service_code"] == "graffiti_damage"
        assert "description" not in public and "lat" not in public
        [full] = open311.get_request(request_id, "json", api_key=key).body
        assert full["description"] == fields["description"]
        [listed] = open311.requests("json", api_key=key).body
        assert listed == full

        apikey(store, monkeypatch, "revoke", "--name", "fixmystreet")
        refused = open311.post_request(fields)
        assert refused.status == 403 and errors_of(refused)
