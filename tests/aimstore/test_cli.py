"""`wardapp-aimstore`: what an administrator sees when running the command line."""

import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.aimstore.conftest import Cli
from tests.conftest import PASSWORD, UserMaker
from wardapp.aimstore.app import create_app
from wardapp.aimstore.settings import AimStoreSettings

SCRIPT = Path(sys.executable).parent / "wardapp-aimstore"
WARD = "E05009855"
OTHER_WARD = "E05009860"


def script_env(home: Path, database_url: str | None) -> dict[str, str]:
    """The real environment minus any AIM store settings, with HOME and XDG dirs in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDAPP_AIMSTORE_")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    if database_url:
        env["WARDAPP_AIMSTORE_DATABASE_URL"] = database_url
    return env


def run_script(
    env: dict[str, str], *args: str, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], input=stdin, env=env, capture_output=True, text=True, timeout=timeout
    )


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": "cli test"},
    )


def test_migrate_then_user_add_gives_a_store_that_serves(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store' / 'x.db'}"
    env = script_env(tmp_path / "home", url)

    first = run_script(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "default wards" in first.stdout and "database ready" in first.stdout
    again = run_script(env, "migrate")
    assert again.returncode == 0, again.stderr
    assert "loaded" not in again.stdout  # nothing loaded twice
    added = run_script(
        env,
        *("user", "add", "--username", "alice", "--role", "councillor", "--ward", WARD),
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "alice" in added.stdout

    with TestClient(create_app(AimStoreSettings(database_url=url))) as client:
        response = client.post(
            "/v1/auth/token",
            json={
                "username": "alice",
                "password": "a long enough password",
                "device_name": "laptop",
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["user"] == {
            "username": "alice",
            "role": "councillor",
            "wards": [WARD],
        }
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        wards = client.get("/v1/wards", headers=headers).json()
        assert len(wards["features"]) == 20
        assert client.get("/healthz").json()["status"] == "ok"


def test_refusal_from_console_script_is_one_line_without_traceback(
    tmp_path: Path, db_url: str
) -> None:
    env = script_env(tmp_path / "home", db_url)
    result = run_script(
        env, "user", "add", "--username", "bob", "--role", "mayor", stdin="a long enough password\n"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "Unknown role 'mayor'" in result.stderr
    assert "councillor, analyst, admin" in result.stderr

    no_password = run_script(env, "user", "add", "--username", "bob", "--role", "analyst")
    assert no_password.returncode == 1
    assert "No password on standard input" in no_password.stderr


@pytest.mark.parametrize(
    ("args", "password", "hint"),
    [
        (["--role", "councillor", "--ward", WARD], "short", "at least 10 characters"),
        (["--role", "superuser"], "a long enough password", "use one of councillor, analyst"),
        (["--role", "councillor", "--ward", "E05999999"], "a long enough password", "wards list"),
        (["--role", "analyst"], "a long enough password", "already exists"),
    ],
    ids=["short-password", "unknown-role", "unknown-ward", "existing-username"],
)
def test_user_add_refuses_with_a_message_saying_what_to_fix(
    cli: Cli, args: list[str], password: str, hint: str
) -> None:
    code, _, _ = cli("user", "add", "--username", "taken", "--role", "analyst", stdin="x" * 12)
    assert code == 0

    username = "taken" if hint == "already exists" else "newbie"
    code, out, err = cli("user", "add", "--username", username, *args, stdin=password + "\n")

    assert code == 1
    assert hint in err
    assert err.startswith("wardapp-aimstore: ")
    assert "Traceback" not in out + err
    _, listing, _ = cli("user", "list")
    assert "newbie" not in listing
    assert listing.count("taken") == 1


def test_password_is_read_as_one_line_of_stdin(cli: Cli, client: TestClient) -> None:
    code, _, err = cli(
        "user", "add", "--username", "carol", "--role", "analyst",
        stdin="  spaces kept inside  \r\nsecond line ignored\n",
    )  # fmt: skip
    assert code == 0, err
    assert sign_in(client, "carol", "  spaces kept inside  ").status_code == 200
    assert sign_in(client, "carol", "second line ignored").status_code == 401


def test_user_list_shows_role_state_and_wards(cli: Cli) -> None:
    for name, role, wards in [
        ("dora", "councillor", [WARD, OTHER_WARD]),
        ("ed", "analyst", []),
        ("fay", "admin", []),
    ]:
        ward_args = [a for code in wards for a in ("--ward", code)]
        code, _, err = cli(
            "user", "add", "--username", name, "--role", role, *ward_args, stdin="x" * 12
        )
        assert code == 0, err

    code, out, _ = cli("user", "list")

    assert code == 0
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}
    assert rows["dora"] == ["councillor", "active", f"{WARD},{OTHER_WARD}"]
    assert rows["ed"] == ["analyst", "active", "-"]
    assert rows["fay"][0] == "admin"


def test_user_disable_ends_existing_sessions_and_blocks_sign_in(
    cli: Cli, client: TestClient, make_user: UserMaker
) -> None:
    headers = make_user("gina", wards=[WARD])
    tokens = sign_in(client, "gina").json()
    assert client.get("/v1/taxonomy", headers=headers).status_code == 200

    code, out, err = cli("user", "disable", "--username", "gina")

    assert code == 0, err
    assert "disabled gina" in out
    assert client.get("/v1/taxonomy", headers=headers).status_code == 401
    assert client.get("/v1/reports/mine", headers=headers).status_code == 401
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    assert sign_in(client, "gina").status_code == 401
    _, listing, _ = cli("user", "list")
    assert "gina\tcouncillor\tdisabled" in listing


def test_disabling_an_unknown_user_is_refused(cli: Cli) -> None:
    code, _, err = cli("user", "disable", "--username", "nobody")
    assert code == 1
    assert "no user called 'nobody'" in err


def test_config_file_with_name_value_lines_is_honoured(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WARDAPP_AIMSTORE_DATABASE_URL")
    target = tmp_path / "from-config" / "store.db"
    config = tmp_path / "aimstore.conf"
    config.write_text(f"# AIM store settings\n\nDATABASE_URL=sqlite:///{target}\n")

    code, out, err = cli("--config", str(config), "migrate")

    assert code == 0, err
    assert str(target) in out
    assert target.is_file()
    code, _, err = cli("--config", str(config), "user", "add", "--username", "hal",
                       "--role", "analyst", stdin="x" * 12)  # fmt: skip
    assert code == 0, err
    with TestClient(create_app(AimStoreSettings(database_url=f"sqlite:///{target}"))) as client:
        assert sign_in(client, "hal", "x" * 12).status_code == 200


def test_environment_variable_wins_over_config_file(cli: Cli, tmp_path: Path) -> None:
    code, _, _ = cli("user", "add", "--username", "ivy", "--role", "analyst", stdin="x" * 12)
    assert code == 0
    elsewhere = tmp_path / "elsewhere.db"
    config = tmp_path / "aimstore.conf"
    config.write_text(f"DATABASE_URL=sqlite:///{elsewhere}\n")

    code, out, _ = cli("--config", str(config), "user", "list")

    assert code == 0
    assert "ivy\tanalyst" in out  # the database named by WARDAPP_AIMSTORE_DATABASE_URL
    assert not elsewhere.exists()


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        ("DATABSE_URL=sqlite:///x.db\n", "unknown setting DATABSE_URL"),
        ("just some words\n", "NAME=value"),
        ("ACCESS_TOKEN_MINUTES=0\n", "ACCESS_TOKEN_MINUTES"),
    ],
    ids=["misspelt-name", "not-name-value", "invalid-value"],
)
def test_bad_config_file_is_refused_with_what_to_fix(
    cli: Cli, tmp_path: Path, content: str, hint: str
) -> None:
    config = tmp_path / "aimstore.conf"
    config.write_text(content)
    code, out, err = cli("--config", str(config), "user", "list")
    assert code == 1
    assert hint in err
    assert "Traceback" not in out + err


def test_missing_config_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("--config", str(tmp_path / "absent.conf"), "user", "list")
    assert code == 1
    assert "Config file not found" in err


def test_serve_on_an_unmigrated_database_says_to_run_migrate(tmp_path: Path) -> None:
    env = script_env(tmp_path / "home", f"sqlite:///{tmp_path / 'empty.db'}")
    result = run_script(env, "serve", "--host", "127.0.0.1", "--port", "1", timeout=30)
    assert result.returncode == 1
    assert "wardapp-aimstore migrate" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "args",
    [["user", "list"], ["wards", "list"], ["user", "disable", "--username", "x"]],
    ids=["user-list", "wards-list", "user-disable"],
)
def test_other_commands_on_an_unmigrated_database_say_to_run_migrate(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, out, err = cli(*args)
    assert code == 1
    assert "run `wardapp-aimstore migrate` first" in err
    assert "Traceback" not in out + err
