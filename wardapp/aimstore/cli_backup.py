"""`backup` (and restore) of the AIM store's database."""

import argparse


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area."""
