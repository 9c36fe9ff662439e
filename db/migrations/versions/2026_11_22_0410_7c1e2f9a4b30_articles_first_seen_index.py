"""articles(site_id, first_seen_at) index: kznews report scans articles by site and day first seen

Revision ID: 7c1e2f9a4b30
Revises: 56d65dd3472c
Create Date: 2026-11-22 04:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c1e2f9a4b30"
down_revision: str | Sequence[str] | None = "56d65dd3472c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(op.f("ix_articles_site_id_first_seen_at"), "articles", ["site_id", "first_seen_at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_articles_site_id_first_seen_at"), table_name="articles")
