"""`kznews sites` (crawler/cli/sites.py): the table as text or Markdown, user-defined sites, bad files."""

import os
import subprocess
import sys
from pathlib import Path

from crawler.cli import main
from crawler.profiles import PROFILES, render_sites_table

ROOT = Path(__file__).resolve().parents[2]
USER_SITES = """
[[sites]]
name = "vesti"
title = "Vesti"
region = "KZ-15"
editions.ru = { base_url = "https://www.vesti.test/", lang = "ru" }
"""


def kznews_sites(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "sites", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "KZNEWS_SITES_FILE"} | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_markdown_is_the_readme_table(capsys):
    assert main(["sites", "--markdown"]) == 0
    assert capsys.readouterr().out == render_sites_table()


def test_text_shows_every_site_s_editions_region_and_discovery(capsys):
    assert main(["sites"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["Site", "Spider", "Region"]
    assert [line.split() for line in lines if " tengrinews " in line][1] == [
        "Tengrinews", "tengrinews", "—", "kk", "kk-Cyrl", "https://kaz.tengrinews.kz/", "sitemap",
    ]  # fmt: skip
    spider = lines[0].index("Spider")  # titles have spaces: read the column where it starts
    assert {line[spider:].split()[0] for line in lines[1:]} == set(PROFILES)


def test_a_sites_file_adds_its_sites_by_option_or_environment(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(USER_SITES, encoding="utf-8")
    for result in (
        kznews_sites("--sites-file", str(path)),
        kznews_sites(env={"KZNEWS_SITES_FILE": str(path)}),
    ):
        assert result.returncode == 0, result.stderr
        row = next(line.split() for line in result.stdout.splitlines() if line.startswith("Vesti "))
        assert row == ["Vesti", "vesti", "KZ-15", "ru", "ru-Cyrl", "https://www.vesti.test/", "auto"]


def test_a_bad_sites_file_is_exit_status_2_and_one_line(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(USER_SITES.replace('"ru" }', '"xx" }'), encoding="utf-8")
    result = kznews_sites("--sites-file", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == f"kznews sites: error: {path}: sites[0].editions.ru.lang: 'xx' is not one of ru, kk, en\n"
    )
