"""Alembic migration environment and revisions of the kznews schema."""
