"""The app's engine (encrypted store, outbox, sync), with no widgets.

``Profile`` is the public API: the UI, the tests and scripts all use it.
"""

from wardapp.client.profile import Profile

__all__ = ["Profile"]
