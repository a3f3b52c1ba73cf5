"""Where a profile lives by default (platformdirs: XDG_DATA_HOME and friends are honoured),
and folders that only their owner may read."""

import os
import stat
from pathlib import Path

from platformdirs import user_data_dir

PRIVATE_MODE = 0o700


def default_profile_dir() -> Path:
    return Path(user_data_dir("wardapp", appauthor=False)) / "profile"


def private_folder(folder: Path) -> Path:
    """Makes ``folder`` (with any missing parents) if needed, readable by its owner only.

    An existing folder that others may read or enter, such as one made by an older version
    under a 022 umask, is tightened. On Windows the per-user AppData folders are private
    already (by their access lists), and modes mean little there, so nothing is changed.
    """
    folder.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
    if os.name == "posix" and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(PRIVATE_MODE)
    return folder
