"""`audit export`: the audit trail for an administrator."""

import argparse


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area."""
