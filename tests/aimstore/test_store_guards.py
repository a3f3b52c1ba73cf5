"""Start-up guards: demo accounts never land on a real store, and no weak signing key."""

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.conftest import PASSWORD
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.secrets import SIGNING_KEY, ensure_signing_key
from wardapp.aimstore.seed import ANALYST_USER
from wardapp.aimstore.settings import (
    MIN_SECRET_KEY_BYTES,
    AimStoreSettings,
    SettingsError,
    load_settings,
)

STRONG = "k" * 32


def test_seed_demo_refuses_a_store_with_accounts(cli: Cli, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        add_user(session, "cllr.real", "councillor", PASSWORD, [])
    code, _out, err = cli("seed-demo")
    assert code == 1
    assert "not empty" in err and "demo" in err
    with Session(engine) as session:
        names = session.scalars(select(models.User.username)).all()
    assert names == ["cllr.real"]  # no analyst with a published password
    assert ANALYST_USER not in names


@pytest.mark.parametrize("value", ["short", "x" * 31, "é" * 15])
def test_short_secret_key_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        AimStoreSettings(database_url="sqlite://", secret_key=value)  # type: ignore[arg-type]


def test_short_secret_key_stops_the_commands(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings()
    code, _out, err = cli("user", "list")
    assert code == 1 and "SECRET_KEY" in err and "32 bytes" in err
    assert "too-short" not in err


def test_long_enough_secret_key_is_used(db_url: str) -> None:
    app = create_app(AimStoreSettings(database_url=db_url, secret_key=STRONG))  # type: ignore[arg-type]
    assert app.state.store.signing_key == STRONG


def test_generated_key_is_long_and_a_short_stored_one_is_replaced(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        generated = ensure_signing_key(session)
    assert len(generated.encode()) >= MIN_SECRET_KEY_BYTES
    with Session(engine) as session, session.begin():
        row = session.get(models.ServerSecret, SIGNING_KEY)
        assert row is not None
        row.value = "weak"
    with Session(engine) as session, session.begin():
        replaced = ensure_signing_key(session)
    assert replaced != "weak" and len(replaced.encode()) >= MIN_SECRET_KEY_BYTES
    with Session(engine) as session, session.begin():
        assert ensure_signing_key(session) == replaced  # every worker reads the same one
