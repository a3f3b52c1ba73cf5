"""The interactive API pages (/docs, /redoc) are off on a real store and on in the demo one.

They load their script from a CDN and invite anyone who finds the store to try its routes;
the schema itself (/openapi.json) holds no data and stays, for client authors.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient

from tests.support.api import assert_error
from wardapp.aimstore.app import create_app
from wardapp.aimstore.embedded import EmbeddedStore
from wardapp.aimstore.settings import AimStoreSettings


def test_a_store_serves_no_interactive_pages_by_default(client: TestClient) -> None:
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert_error(client.get(page), 404)
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    assert "/v1/reports/batch" in schema.json()["paths"]


def test_the_setting_turns_the_pages_on(settings: AimStoreSettings) -> None:
    with TestClient(create_app(settings.model_copy(update={"api_docs": True}))) as client:
        for page in ("/docs", "/redoc"):
            response = client.get(page)
            assert response.status_code == 200
            assert "text/html" in response.headers["content-type"]


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path, seed=False)
    store.start()
    yield store
    store.stop()


def test_the_demo_store_documents_its_api_at_docs(demo_store: EmbeddedStore) -> None:
    assert demo_store.wait_ready(), demo_store.error
    response = requests.get(f"{demo_store.url}/docs", timeout=30)
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
