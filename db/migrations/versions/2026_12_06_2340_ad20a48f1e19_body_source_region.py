"""articles.body_source ("page" / "feed": text read from the RSS item while the page was unavailable), kept
with article_versions too; articles.region (ISO 3166-2:KZ home region of a regional site)

Revision ID: ad20a48f1e19
Revises: e5b1c9d04a7f
Create Date: 2026-12-06 23:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ad20a48f1e19"
down_revision: str | Sequence[str] | None = "e5b1c9d04a7f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every stored text so far was read from its page: the server default fills the existing rows, in place
# (SQLite and PostgreSQL 11+ add a column with a constant default without rewriting the table).
PAGE = sa.text("'page'")


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("articles", sa.Column("body_source", sa.Text(), server_default=PAGE, nullable=False))
    op.add_column("articles", sa.Column("region", sa.Text(), nullable=True))
    op.add_column("article_versions", sa.Column("body_source", sa.Text(), server_default=PAGE, nullable=False))


def downgrade() -> None:
    """Revert this revision. Plain DROP COLUMN, on SQLite too (3.35+): batch mode would copy ``articles`` and
    drop the original, and with foreign keys on that deletes every archived version (ON DELETE CASCADE)."""
    op.drop_column("article_versions", "body_source")
    op.drop_column("articles", "region")
    op.drop_column("articles", "body_source")
