"""Account administration commands beyond `user add/list/disable`, and the taxonomy."""

import argparse


def add_user_commands(user_commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`user ...` actions: roles, wards, passwords, devices."""


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area (for example `taxonomy`)."""
