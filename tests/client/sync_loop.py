"""Run by test_faults.py as a child process, which it kills with SIGKILL at random moments.

Usage: python sync_loop.py PROFILE_DIR SERVER_URL. Prints "ready" once the profile is open,
then one JSON line per sync, and exits 0 when the outbox is empty.
"""

import json
import sys

from wardapp.client.profile import Profile


def main(argv: list[str]) -> int:
    profile = Profile.open(argv[1], argv[2])
    print("ready", flush=True)
    while True:
        result = profile.sync_once()
        line = {
            "sent": result.sent,
            "duplicates": result.duplicates,
            "pending": result.pending,
            "error": result.error,
        }
        print(json.dumps(line), flush=True)
        if result.signed_out:
            return 2
        if result.ok and result.pending == 0:
            profile.close()
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
