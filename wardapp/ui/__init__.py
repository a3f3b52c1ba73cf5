"""PySide6 widgets only. Built in a later issue."""
