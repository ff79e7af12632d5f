"""The Alembic migrations; installed as `bot._migrations` (see setup.py)."""
