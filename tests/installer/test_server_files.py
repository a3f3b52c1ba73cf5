"""The AIM store's server files and the README's walk-through use real settings and commands:
a renamed setting or option fails here, not on a partnership's server."""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.installer.installed import INSTALLER, ROOT
from wardapp.aimstore.cli import build_parser
from wardapp.aimstore.settings import ENV_PREFIX, AimStoreSettings, read_config_file

SERVER = INSTALLER / "server"
SETTING = re.compile(rf"\b{ENV_PREFIX}([A-Z_]+)\b")
KNOWN = {name.upper() for name in AimStoreSettings.model_fields} | {"CONFIG"}


@pytest.mark.parametrize(
    "name",
    ["wardapp-aimstore.service", "aimstore.env.example", "compose.yaml", "Caddyfile", "Dockerfile"],
)
def test_every_server_file_is_in_the_repository(name: str) -> None:
    assert (SERVER / name).is_file()


def test_the_example_settings_file_reads_as_settings(tmp_path: Path) -> None:
    values = read_config_file(SERVER / "aimstore.env.example")  # refuses unknown names
    assert values["database_url"].startswith("postgresql+psycopg://")
    example = (SERVER / "aimstore.env.example").read_text()
    commented = re.findall(rf"^#({ENV_PREFIX}\w+)=", example, re.MULTILINE)
    uncommented = tmp_path / "all.env"
    uncommented.write_text("\n".join(f"{name}=1" for name in commented))
    assert len(read_config_file(uncommented)) == len(commented) >= 5


@pytest.mark.parametrize("name", ["compose.yaml", "wardapp-aimstore.service", "Dockerfile"])
def test_server_files_name_only_real_settings(name: str) -> None:
    assert set(SETTING.findall((SERVER / name).read_text())) <= KNOWN


# Words after which `wardapp-aimstore` is the command run, not a user or a unit named so.
COMMAND_POSITION = {"|", "&&", ";", "sudo", "exec", "aimstore", "migrate", "--rm"}


def is_the_command(words: list[str], index: int) -> bool:
    word = words[index]
    if word.rsplit("/", 1)[-1] != "wardapp-aimstore":
        return False
    after_sudo_u = index >= 2 and words[index - 2] == "-u"  # sudo -u ACCOUNT wardapp-aimstore
    return index == 0 or words[index - 1] in COMMAND_POSITION or after_sudo_u


def commands_in(text: str) -> list[list[str]]:
    """The arguments of every `wardapp-aimstore` command in the shell lines of ``text``."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"\$\([^)]*\)", "X", line)  # $(date +%F) and the like
        if "wardapp-aimstore" not in line or line.lstrip().startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        for start in range(len(words)):
            if is_the_command(words, start):
                arguments = []
                for argument in words[start + 1 :]:
                    if argument in {"|", ">", ">>", "&&", ";", "<"}:
                        break
                    arguments.append(argument)
                found.append(arguments)
                break
    return found


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index(f"## {title}")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end > 0 else None]


def code_blocks(markdown: str) -> str:
    return "\n".join(re.findall(r"```[^\n]*\n(.*?)```", markdown, re.DOTALL))


def test_the_readme_walk_through_uses_commands_and_options_that_exist() -> None:
    commands = commands_in(code_blocks(readme_section("Running the AIM store")))
    assert len(commands) >= 15
    parser = build_parser()
    for arguments in commands:
        try:
            parser.parse_args(arguments)
        except SystemExit:
            pytest.fail(f"README: `wardapp-aimstore {' '.join(arguments)}` is not a command")


def test_the_service_and_compose_run_commands_that_exist() -> None:
    unit = (SERVER / "wardapp-aimstore.service").read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    assert exec_start is not None
    [arguments] = commands_in(exec_start.group(1))
    build_parser().parse_args(arguments)
    compose = (SERVER / "compose.yaml").read_text() + (SERVER / "Dockerfile").read_text()
    for command in re.findall(r'\["wardapp-aimstore", ([^\]]*)\]', compose):
        build_parser().parse_args(re.findall(r'"([^"]*)"', command))


def test_the_readme_names_only_real_settings() -> None:
    section = readme_section("Running the AIM store")
    assert set(SETTING.findall(section)) <= KNOWN
    compose_variables = set(re.findall(r"\$\{(\w+)", (SERVER / "compose.yaml").read_text()))
    for name in re.findall(r"`([A-Z][A-Z_]{3,})`", section):
        if name.lower() in AimStoreSettings.model_fields or name.startswith(ENV_PREFIX):
            continue
        assert name in compose_variables | {"NAME", "PATH"}, f"README: {name} is not a setting"


def test_the_proxy_bounds_slow_and_large_requests() -> None:
    """Caddy cuts off slow headers and bodies and refuses bodies over its limit; the limit is
    above the store's own, so the store answers 413 in its own words."""
    caddyfile = (SERVER / "Caddyfile").read_text()
    timeouts = re.findall(r"^\s*(read_header|read_body)\s+\d+[sm]\s*$", caddyfile, re.M)
    assert sorted(timeouts) == ["read_body", "read_header"]
    sizes = re.findall(r"^\s*max_size\s+(\d+)MB\s*$", caddyfile, re.MULTILINE)
    assert len(sizes) == 1
    assert int(sizes[0]) * 1_000_000 > AimStoreSettings().max_body_bytes


@pytest.mark.skipif(shutil.which("caddy") is None, reason="Caddy is not installed")
def test_caddy_reads_the_caddyfile_with_its_timeouts() -> None:
    done = subprocess.run(
        ["caddy", "adapt", "--config", str(SERVER / "Caddyfile"), "--adapter", "caddyfile"],
        env={**os.environ, "AIMSTORE_HOSTNAME": "aim.example.org", "AIMSTORE_TLS": "internal"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [server] = json.loads(done.stdout)["apps"]["http"]["servers"].values()
    assert server["read_header_timeout"] == 10 * 10**9
    assert server["read_timeout"] == 120 * 10**9


def test_the_store_believes_forwarded_addresses_from_the_proxy_network_only() -> None:
    compose = (SERVER / "compose.yaml").read_text()
    trusted = re.findall(r"WARDAPP_AIMSTORE_FORWARDED_ALLOW_IPS: (\S+)", compose)
    subnets = re.findall(r"- subnet: (\S+)", compose)
    assert trusted == subnets == ["${AIMSTORE_FRONT_SUBNET:-172.30.87.0/24}"]
    proxy = compose[compose.index("\n  proxy:") :]
    assert "networks: [front]" in proxy  # the proxy reaches the store, not the database
