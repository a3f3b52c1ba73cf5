"""Alembic migrations of the AIM store schema (run by ``wardapp-aimstore migrate``)."""
