from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from db.engine import database_missing, make_engine, make_sessionmaker, normalize_url, sqlite_file

REPO = Path(__file__).resolve().parents[2]


def settings_database_url(environ):
    """KZNEWS_DATABASE_URL as crawler/settings.py resolves it in a fresh process with ``environ``."""
    code = "from crawler import settings; print(settings.KZNEWS_DATABASE_URL)"
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", **environ}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_database_url_comes_from_the_environment():
    assert settings_database_url({}) == "sqlite:///data/kznews.sqlite3"
    assert (
        settings_database_url({"KZNEWS_DATABASE_URL": "postgresql+psycopg://u@h/db"})
        == "postgresql+psycopg://u@h/db"
    )


def test_a_sqlite_file_not_created_yet_is_missing(tmp_path):
    url = f"sqlite:///{tmp_path}/later/kznews.sqlite3"
    assert sqlite_file(url) == tmp_path / "later" / "kznews.sqlite3"
    assert database_missing(url) and not database_missing("postgresql+psycopg://u@h/db")
    assert sqlite_file("sqlite://") is None and not database_missing("sqlite:///:memory:")


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgres_urls_use_psycopg3(url):
    assert normalize_url(url).drivername == "postgresql+psycopg"


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/kznews.sqlite3")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30_000}
    assert (tmp_path / "kznews.sqlite3").exists()


def test_only_the_default_data_directory_is_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_engine("sqlite:///data/kznews.sqlite3").dispose()
    make_engine(f"sqlite:///{tmp_path}/a/b/kznews.sqlite3").dispose()
    assert (tmp_path / "data").is_dir() and not (tmp_path / "a").exists()


def test_sqlite_ddl_is_transactional(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3")
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        raise RuntimeError("roll back")
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_sessions_keep_objects_readable_after_commit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3")
    assert make_sessionmaker(engine).kw["expire_on_commit"] is False
    engine.dispose()


def test_importing_db_builds_nothing(tmp_path):
    code = "import db, db.engine, db.models, db.repository, db.migrate, db.convert; print('ok')"
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert list(tmp_path.iterdir()) == []  # no data/ directory, no database file
