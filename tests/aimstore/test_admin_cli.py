"""`wardapp-aimstore user ...` and `taxonomy ...`: account and device administration."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.conftest import PASSWORD, UserMaker
from tests.support.api import assert_error, audit_rows
from wardapp.aimstore import models

NEW_PASSWORD = "a brand new passphrase"


def test_devices_and_revoke_device(
    cli: Cli, client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    headers = make_user("cllr.lost")
    code, out, _ = cli("user", "devices", "--username", "cllr.lost")
    assert code == 0
    header, line = out.splitlines()
    assert header == "id\tname\tcreated\tlast used\trevoked"
    device_id, name, _created, _used, revoked = line.split("\t")
    assert (name, revoked) == ("test laptop", "no")

    code, out, _ = cli("user", "revoke-device", "--username", "cllr.lost", "--device", device_id)
    assert code == 0 and "revoked device" in out
    assert_error(client.get("/v1/taxonomy", headers=headers), 401)
    _, out, _ = cli("user", "devices", "--username", "cllr.lost")
    assert "(revoked by an administrator)" in out.splitlines()[1]
    code, out, _ = cli("user", "revoke-device", "--username", "cllr.lost", "--device", device_id)
    assert code == 0 and "already signed out" in out
    [row] = audit_rows(engine, "device_revoked")
    assert row.client == "cli" and row.actor is not None and row.actor.startswith("os:")


def test_device_commands_refuse_clearly(cli: Cli, make_user: UserMaker) -> None:
    make_user("cllr.a")
    code, _, err = cli("user", "devices", "--username", "nobody")
    assert code == 1 and "There is no user called 'nobody'" in err
    code, _, err = cli("user", "revoke-device", "--username", "cllr.a", "--device", "9999")
    assert code == 1 and "has no device 9999" in err
    with pytest.raises(SystemExit) as exited:
        cli("user", "revoke-device", "--username", "cllr.a", "--device", "laptop")
    assert exited.value.code == 2


def test_set_role_and_wards(
    cli: Cli, client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    headers = make_user("analyst.one", "analyst")
    code, out, _ = cli("user", "set-role", "--username", "analyst.one", "--role", "councillor")
    assert code == 0 and "now councillor" in out
    assert client.get("/v1/reports", headers=headers).status_code == 403
    code, _, err = cli("user", "set-role", "--username", "analyst.one", "--role", "mayor")
    assert code == 1 and "Unknown role 'mayor'" in err

    with Session(engine) as session:
        codes = sorted(session.scalars(select(models.Ward.code)).all())[:2]
    args = ["user", "set-wards", "--username", "analyst.one"]
    code, out, _ = cli(*args, "--ward", codes[0], "--ward", codes[1])
    assert code == 0
    _, listed, _ = cli("user", "list")
    assert f"analyst.one\tcouncillor\tactive\t{','.join(codes)}" in listed
    code, _, err = cli(*args, "--ward", "E00000000")
    assert code == 1 and "Unknown ward" in err
    code, out, _ = cli(*args)
    assert code == 0 and "wards: none" in out
    changes = [(r.event, r.client) for r in audit_rows(engine, "user_role_changed")]
    changes += [(r.event, r.client) for r in audit_rows(engine, "user_wards_changed")]
    assert changes == [("user_role_changed", "cli")] + [("user_wards_changed", "cli")] * 2


def test_disable_enable_and_reset_password(
    cli: Cli, client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    headers = make_user("cllr.forgot")
    assert cli("user", "disable", "--username", "cllr.forgot")[0] == 0
    assert_error(client.get("/v1/taxonomy", headers=headers), 401)
    code, out, _ = cli("user", "enable", "--username", "cllr.forgot")
    assert code == 0 and "enabled" in out
    signed_in = client.post(
        "/v1/auth/token",
        json={"username": "cllr.forgot", "password": PASSWORD, "device_name": "phone"},
    )
    assert signed_in.status_code == 200

    code, _, err = cli("user", "reset-password", "--username", "cllr.forgot", stdin="short\n")
    assert code == 1 and "at least" in err
    code, _, err = cli("user", "reset-password", "--username", "cllr.forgot", stdin="")
    assert code == 1 and "No password on standard input" in err
    code, out, _ = cli(
        "user", "reset-password", "--username", "cllr.forgot", stdin=NEW_PASSWORD + "\n"
    )
    assert code == 0 and "1 device(s) signed out" in out
    bearer = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    assert_error(client.get("/v1/taxonomy", headers=bearer), 401)
    again = client.post(
        "/v1/auth/token",
        json={"username": "cllr.forgot", "password": NEW_PASSWORD, "device_name": "phone"},
    )
    assert again.status_code == 200
    code, _, err = cli("user", "reset-password", "--username", "nobody", stdin=NEW_PASSWORD)
    assert code == 1 and "no user called 'nobody'" in err
    events = ["user_disabled", "user_enabled", "password_reset"]
    assert [len(audit_rows(engine, e)) for e in events] == [1, 1, 1]
    assert {r.client for e in events for r in audit_rows(engine, e)} == {"cli"}


def test_user_add_is_audited(cli: Cli, engine: Engine) -> None:
    code, _, _ = cli(
        "user", "add", "--username", "cllr.new", "--role", "councillor", stdin=PASSWORD
    )
    assert code == 0
    [row] = audit_rows(engine, "user_created")
    assert (row.target, row.client) == ("cllr.new", "cli")


def test_taxonomy_list_and_retire(
    cli: Cli, client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    headers = make_user("cllr.one")
    code, out, _ = cli("taxonomy", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "taxonomy version 1"
    assert any(line.startswith("exploitation\t") and line.endswith("\tsensitive") for line in lines)

    code, out, _ = cli("taxonomy", "retire", "graffiti_damage")
    assert code == 0 and "taxonomy version 2" in out
    taxonomy = client.get("/v1/taxonomy", headers=headers).json()
    assert taxonomy["version"] == 2
    assert "graffiti_damage" not in [c["code"] for c in taxonomy["categories"]]
    _, out, _ = cli("taxonomy", "list")
    assert "graffiti_damage\tretired (last in version 1)" in out.splitlines()

    code, _, err = cli("taxonomy", "retire", "unicorns")
    assert code == 1 and "Unknown category 'unicorns'" in err
    code, _, err = cli("taxonomy", "retire", "graffiti_damage")
    assert code == 1 and "already retired" in err
    [row] = audit_rows(engine, "category_retired")
    assert (row.target, row.client) == ("graffiti_damage", "cli")
