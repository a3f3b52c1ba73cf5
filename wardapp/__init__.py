"""wardapp: community-safety intelligence on a map, synced to the partnership's AIM store."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wardapp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
