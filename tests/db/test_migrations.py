from __future__ import annotations

import itertools
import multiprocessing
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text

from db.engine import make_engine
from db.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    ensure_schema,
    head_revision,
    schema_diff,
    upgrade,
)
from db.models import Base

DATE_PREFIXED = re.compile(r"^\d{4}_\d{2}_\d{2}_\d{4}_[0-9a-f]+_\w+\.py$")


class TestRevisionFiles:
    def test_revisions_form_one_chain_with_a_single_head(self):
        script = ScriptDirectory.from_config(alembic_config())
        revisions = list(script.walk_revisions())  # head -> base, raises on a broken chain
        assert len(script.get_heads()) == 1
        assert len(script.get_bases()) == 1
        assert revisions[0].revision == head_revision()
        assert revisions[-1].down_revision is None
        for newer, older in itertools.pairwise(revisions):
            assert newer.down_revision == older.revision
        files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py") if p.name != "__init__.py")
        assert len(files) == len(revisions)

    def test_revision_files_are_date_prefixed_and_self_contained(self):
        for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
            if path.name == "__init__.py":
                continue
            assert DATE_PREFIXED.match(path.name), path.name
            # A revision must not import the models: they will have moved on when it runs.
            assert "db.models" not in path.read_text(encoding="utf-8"), path.name


class TestUpgrade:
    def test_upgrade_from_empty_creates_every_table(self, empty_engine):
        assert ensure_schema(empty_engine) == head_revision()
        tables = set(inspect(empty_engine).get_table_names())
        assert tables == {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
        with empty_engine.connect() as connection:
            assert current_revision(connection) == head_revision()

    def test_models_match_the_migrations(self, empty_engine):
        ensure_schema(empty_engine)
        with empty_engine.connect() as connection:
            assert schema_diff(connection) == []

    def test_drift_is_detected(self, empty_engine):
        ensure_schema(empty_engine)
        with empty_engine.begin() as connection:
            connection.execute(text("ALTER TABLE articles ADD COLUMN stray INTEGER"))
            connection.execute(text("DROP INDEX ix_articles_lang"))
        with empty_engine.connect() as connection:
            diffs = schema_diff(connection)
        kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in diffs}
        assert kinds == {"remove_column", "add_index"}

    def test_ensure_schema_at_head_runs_no_ddl(self, empty_engine):
        ensure_schema(empty_engine)
        statements: list[str] = []

        def listener(_conn, _cursor, statement, *_args):
            if statement != "BEGIN":
                statements.append(statement)

        event.listen(empty_engine, "before_cursor_execute", listener)
        try:
            ensure_schema(empty_engine)
        finally:
            event.remove(empty_engine, "before_cursor_execute", listener)
        assert len(statements) <= 2  # the version-table probe and the version read
        assert not any(re.match(r"\s*(CREATE|ALTER|DROP|INSERT|UPDATE)", s, re.I) for s in statements)

    def test_downgrade_to_base_drops_everything(self, empty_engine):
        ensure_schema(empty_engine)
        config = alembic_config()
        with empty_engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    def test_upgrade_by_url_works_from_any_directory(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert upgrade("sqlite:///data/corpus.sqlite3") == head_revision()
        assert (tmp_path / "data" / "corpus.sqlite3").exists()
        assert upgrade(f"sqlite:///{tmp_path}/other.sqlite3") == head_revision()


def _first_use(url: str) -> str:
    engine = make_engine(url)
    try:
        return ensure_schema(engine)
    finally:
        engine.dispose()


def test_concurrent_first_use_migrates_once(empty_engine):
    url = empty_engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("spawn")) as pool:
        heads = list(pool.map(_first_use, [url] * 3))
    with ThreadPoolExecutor(max_workers=3) as pool:  # and threads of one process
        heads += pool.map(lambda _: ensure_schema(empty_engine), range(3))
    assert heads == [head_revision()] * 6
    with empty_engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_migrations_apply_from_a_zipped_package(tmp_path):
    """scrapyd runs the project from an egg: the migrations are copied out of the archive and applied."""
    package = Path(__file__).resolve().parents[2] / "db"
    egg = tmp_path / "kznews.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(package.parent))
    code = (
        f"import sys; sys.path.insert(0, {str(egg)!r}); import db.migrate as m; "
        f"assert m.__file__.startswith({str(egg)!r}), m.__file__; "
        f"print(m.upgrade('sqlite:///{tmp_path}/egg.sqlite3'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == head_revision()
