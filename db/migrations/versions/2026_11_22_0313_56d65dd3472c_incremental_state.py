"""incremental crawls: site_state (per-site harvest state), url_aliases (redirecting article URLs)

Revision ID: 56d65dd3472c
Revises: b9b7fb7894bf
Create Date: 2026-11-22 03:13:29.584633+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "56d65dd3472c"
down_revision: str | Sequence[str] | None = "b9b7fb7894bf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "site_state",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("newest_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("newest_url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_site_state_last_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_state_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_site_state")),
    )
    op.create_table(
        "url_aliases",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_url_aliases_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_url_aliases")),
    )
    op.create_index(op.f("ix_url_aliases_article_id"), "url_aliases", ["article_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("url_aliases")
    op.drop_table("site_state")
