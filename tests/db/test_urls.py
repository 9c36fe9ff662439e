"""check_database_url: a bad URL is one line naming its source; nothing is created for it."""

import pytest

from db.urls import DatabaseUrlError, check_database_url


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/kznews.sqlite3",
        "sqlite://",
        "sqlite:///:memory:",
        "postgresql://u@h/db",
        "postgres://u@h/db",
        "postgresql+psycopg://u:secret@h:5432/db",
    ],
)
def test_supported_urls_pass(url):
    check_database_url(url, "--database-url")


def test_a_sqlite_file_in_an_existing_directory_passes(tmp_path):
    check_database_url(f"sqlite:///{tmp_path}/kznews.sqlite3", "--database-url")


def test_garbage_names_its_source_and_the_expected_forms():
    with pytest.raises(DatabaseUrlError) as caught:
        check_database_url("garbage", "KZNEWS_DATABASE_URL")
    assert str(caught.value) == (
        "KZNEWS_DATABASE_URL: not a database URL: 'garbage' "
        "(expected sqlite:///PATH or postgresql://USER@HOST/DB)"
    )


def test_a_bad_port_is_not_a_database_url():
    with pytest.raises(DatabaseUrlError, match="not a database URL"):
        check_database_url("postgresql://u@h:port/db", "--database-url")


@pytest.mark.parametrize("url", ["mysql://u:secret@h/db", "postgresql+psycopg2://u@h/db", "oracle://h/db"])
def test_other_backends_are_refused_naming_the_supported_ones(url):
    with pytest.raises(DatabaseUrlError) as caught:
        check_database_url(url, "--database-url")
    message = str(caught.value)
    assert message.startswith("--database-url: unsupported database")
    assert "SQLite or PostgreSQL" in message and "secret" not in message and "\n" not in message


def test_a_sqlite_file_in_a_missing_directory_is_refused_and_nothing_created(tmp_path):
    missing = tmp_path / "nonexistent" / "dir"
    with pytest.raises(DatabaseUrlError, match="does not exist") as caught:
        check_database_url(f"sqlite:///{missing}/x.db", "the default")
    assert str(caught.value).startswith(f"the default: directory '{missing}'")
    assert not missing.parent.exists()


def test_the_default_data_directory_may_be_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_database_url("sqlite:///data/kznews.sqlite3", "the default")
    assert not (tmp_path / "data").exists()  # created by make_engine on first use, not by the check
