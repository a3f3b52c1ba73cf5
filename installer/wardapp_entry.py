"""The bundle's entry point: the same `wardapp` command as the installed console script."""

import sys

from wardapp.app import main

if __name__ == "__main__":
    sys.exit(main())
