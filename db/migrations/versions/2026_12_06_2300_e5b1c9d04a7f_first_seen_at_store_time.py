"""articles.first_seen_at means when kznews first stored the article (it was the page's fetch time)

Only data changes. Before this revision a new row got ``first_seen_at = fetched_at``, the fetch time of its
first stored version: for a live crawl seconds before it was stored, for a replayed archive the day the page
was saved (the demo stored 2026-04-28 pages "first seen" on 2026-04-28). Articles name no crawl run, so the
store time is rebuilt from what bounds it:

* L, the old value: the page was stored after it was fetched;
* U, the earliest of ``updated_at`` and the ``replaced_at`` of its archived versions: the insert stamp, or a
  later change;
* the site's crawl runs: a crawl stores the pages it fetches while it runs.

The earliest crawl run of the article's site that could have stored it is the first (by ``started_at``) that
started by U and had not finished before L. The article is first seen at the later of L and that run's start:
a live crawl keeps its fetch time (fetched during the run), a replay gets the start of the run that replayed
it. Rows no run accounts for (stored outside a crawl) keep L.

Downgrade restores the old meaning: the fetch time of the oldest version kept.

Revision ID: e5b1c9d04a7f
Revises: 7c1e2f9a4b30
Create Date: 2026-12-06 23:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e5b1c9d04a7f"
down_revision: str | Sequence[str] | None = "7c1e2f9a4b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# U: archived versions were replaced after the first store; updated_at is the insert or a later change.
_STORED_BY = """COALESCE(
    (SELECT MIN(v.replaced_at) FROM article_versions v WHERE v.article_id = articles.id),
    articles.updated_at)"""
# Runs of the article's site that could have stored it: started by U, not finished before it was fetched.
_COULD_STORE = f"""FROM crawl_runs r
    WHERE r.site_id = articles.site_id
      AND r.started_at <= {_STORED_BY}
      AND (r.finished_at IS NULL OR r.finished_at >= articles.first_seen_at)"""

# CASE rather than GREATEST / MAX(a, b): the same SQL on PostgreSQL and SQLite (where datetimes are ISO text).
UPGRADE = f"""UPDATE articles SET first_seen_at = (
    SELECT CASE WHEN MIN(r.started_at) > articles.first_seen_at THEN MIN(r.started_at)
                ELSE articles.first_seen_at END
    {_COULD_STORE})
WHERE EXISTS (SELECT 1 {_COULD_STORE})"""

DOWNGRADE = """UPDATE articles SET first_seen_at = COALESCE(
    (SELECT v.fetched_at FROM article_versions v WHERE v.article_id = articles.id ORDER BY v.version LIMIT 1),
    articles.fetched_at)"""


def upgrade() -> None:
    """Apply this revision."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Revert this revision."""
    op.execute(DOWNGRADE)
