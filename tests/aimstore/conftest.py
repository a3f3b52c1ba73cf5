"""Fixtures for the AIM store's command line, run in-process on the test's database."""

import io
import sys
from collections.abc import Callable

import pytest

from tests.aimstore.open311_fixtures import form, make_key, open311  # noqa: F401
from wardapp.aimstore.cli import main
from wardapp.aimstore.settings import CONFIG_FILE_VARIABLE

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`wardapp-aimstore ARGS` as main(); stdin is a pipe (not a TTY) holding ``stdin``.

    Returns (exit status, standard output, standard error).
    """
    monkeypatch.setenv("WARDAPP_AIMSTORE_DATABASE_URL", db_url)
    monkeypatch.setenv(CONFIG_FILE_VARIABLE, "")

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
