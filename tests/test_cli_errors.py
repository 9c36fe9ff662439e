"""Bad input to `kznews`: one line on stderr naming the input and the fix, exit 2, no traceback (issue 11)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "crawler/fixture_site/kazinform/kk_2026_04_27_astanada-zhana-mektep.html"
EXPECTED_FORMS = "(expected sqlite:///PATH or postgresql://USER@HOST/DB)"


def kznews(*argv: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``kznews ARGV`` in a child process, as a user runs it (KZNEWS_DATABASE_URL unset unless given)."""
    environment = {k: v for k, v in os.environ.items() if k != "KZNEWS_DATABASE_URL"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *argv],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(result: subprocess.CompletedProcess, prefix: str) -> str:
    """The single stderr line of a refused command, after checking exit 2 and no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{prefix}: error: "), lines[0]
    return lines[0]


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        ("argv", "prefix"), [(["export"], "kznews export"), (["db", "upgrade"], "kznews db upgrade")]
    )
    def test_garbage_option_is_one_line_naming_the_option(self, argv, prefix):
        line = one_error_line(kznews(*argv, "--database-url", "garbage"), prefix)
        assert line.endswith(f"--database-url: not a database URL: 'garbage' {EXPECTED_FORMS}")

    def test_the_old_db_upgrade_url_spelling_is_checked_too(self):
        line = one_error_line(kznews("db", "upgrade", "--url", "garbage"), "kznews db upgrade")
        assert "not a database URL: 'garbage'" in line

    def test_garbage_environment_variable_is_named(self):
        result = kznews("export", env={"KZNEWS_DATABASE_URL": "garbage"})
        line = one_error_line(result, "kznews export")
        assert line.endswith(f"KZNEWS_DATABASE_URL: not a database URL: 'garbage' {EXPECTED_FORMS}")

    def test_garbage_harvest_setting_is_named(self):
        line = one_error_line(kznews("harvest", "-s", "KZNEWS_DATABASE_URL=garbage"), "kznews harvest")
        assert "-s KZNEWS_DATABASE_URL: not a database URL: 'garbage'" in line

    def test_mysql_is_refused_naming_the_supported_backends(self):
        line = one_error_line(kznews("export", "--database-url", "mysql://u:secret@h/db"), "kznews export")
        assert "unsupported database 'mysql'" in line and "SQLite or PostgreSQL" in line
        assert "secret" not in line

    @pytest.mark.parametrize(
        ("argv", "prefix"), [(["export"], "kznews export"), (["db", "upgrade"], "kznews db upgrade")]
    )
    def test_a_sqlite_file_in_a_missing_directory_is_refused_and_nothing_created(
        self, tmp_path, argv, prefix
    ):
        missing = tmp_path / "nonexistent" / "dir"
        line = one_error_line(kznews(*argv, "--database-url", f"sqlite:///{missing}/x.db"), prefix)
        assert f"directory '{missing}' of the SQLite file does not exist" in line
        assert not (tmp_path / "nonexistent").exists()


class TestExtract:
    def test_binary_html_is_an_error_line_the_other_files_still_print_and_exit_is_2(self, tmp_path):
        binary = tmp_path / "photo.html"
        binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
        result = kznews("extract", str(binary), str(PAGE))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [
            f"kznews extract: error: {binary}: binary data, not an HTML page "
            "(NUL bytes; is it an image or an archive?)"
        ]
        assert len(result.stdout.splitlines()) == 1 and str(PAGE) in result.stdout

    def test_a_utf16_page_with_its_bom_is_not_binary(self, tmp_path, capsys):
        page = tmp_path / "utf16.html"
        page.write_bytes(PAGE.read_text(encoding="utf-8").encode("utf-16"))
        assert main(["extract", str(page)]) == 0
        assert "Астанада" in capsys.readouterr().out

    def test_a_directory_is_named_as_one(self, tmp_path):
        line = one_error_line(kznews("extract", str(tmp_path)), "kznews extract")
        assert line.endswith(f"{tmp_path}: is a directory (give its page files, e.g. {tmp_path}/*.html)")

    def test_a_url_that_is_no_url_is_refused(self):
        line = one_error_line(kznews("extract", "--url", "notaurl", str(PAGE)), "kznews extract")
        assert "--url: not a page URL: 'notaurl'" in line


def test_export_of_an_unknown_site_is_refused_as_harvest_refuses_it(tmp_path):
    line = one_error_line(
        kznews("export", "--site", "nosuch", "--database-url", f"sqlite:///{tmp_path}/x.db"), "kznews export"
    )
    assert line == f"kznews export: error: unknown site(s) nosuch; known sites: {', '.join(PROFILES)}"


def test_harvest_refuses_a_negative_worker_count():
    line = one_error_line(kznews("harvest", "--workers", "-1"), "kznews harvest")
    assert "--workers: not a whole number >= 0: '-1'" in line


def test_a_usage_error_is_one_line_pointing_at_help():
    line = one_error_line(kznews("nosuch"), "kznews")
    assert "invalid choice: 'nosuch'" in line and line.endswith("(see `kznews --help`)")


def test_an_unexpected_bug_still_raises_with_its_traceback(monkeypatch):
    def broken(_args):
        raise RuntimeError("a bug")

    monkeypatch.setattr("crawler.cli.db.run", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["db", "upgrade", "--database-url", "sqlite://"])
