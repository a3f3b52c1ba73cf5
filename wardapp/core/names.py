"""Names shown to people (wards, areas): plain words, never markup or control characters.

Names arrive from boundary files and the store and end up in the map page, Qt labels, the
PDF and exports. Each of those shows text as text, but a name that carries ``<`` or ``>``
or a control character is never a real place name: refusing it on load says so plainly
and takes away the raw material of a markup attack. "&" and "'" are ordinary in names
("Brambles & Thorntree", "St. Germain's") and are allowed.
"""

import unicodedata

MARKUP = frozenset("<>")
# Cc: control characters (NUL, tab, newline, escape); Cf: invisible format characters such
# as right-to-left overrides; Zl/Zp: line and paragraph separators.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
ALLOWED = "'<' and '>' and control characters are not allowed in names"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be shown as a name, or None when it can."""
    for char in name:
        if char in MARKUP:
            return f"contains '{char}' ({ALLOWED})"
        if unicodedata.category(char) in CONTROL_CATEGORIES:
            return f"contains the control character U+{ord(char):04X} ({ALLOWED})"
    return None


def shown(name: str, limit: int = 60) -> str:
    """A name quoted for an error message: escapes visible, long ones cut short."""
    text = name if len(name) <= limit else name[:limit] + "…"
    return ascii(text) if any(not c.isprintable() for c in text) else f'"{text}"'
