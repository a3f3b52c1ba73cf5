"""Where a profile lives by default (platformdirs: XDG_DATA_HOME and friends are honoured)."""

from pathlib import Path

from platformdirs import user_data_dir


def default_profile_dir() -> Path:
    return Path(user_data_dir("wardapp", appauthor=False)) / "profile"
