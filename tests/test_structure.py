"""The code keeps one owner per concern: where argparse, stat keys and module sizes may appear."""

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "pipelines", "db")
SOURCES = sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))
MAX_MODULE_LINES = 350
DATA_MODULES = {  # tables, not logic: their length is the data's
    "pipelines/rules.py",
    "pipelines/language_data.py",
    "pipelines/dates_data.py",
}
STAT_KEY = re.compile(r"^(?:kznews|warc|downloader|scheduler|dupefilter|retry|httpcache)/[a-z_]")
SCRAPY_STAT_NAMES = {"finish_reason", "response_received_count", "elapsed_time_seconds", "failed_reason"}
ACCOUNTING = "pipelines/runstats.py"


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_argparse_only_in_the_command_line_package():
    users = [
        relative(p)
        for p in SOURCES
        if re.search(r"^\s*(?:import argparse|from argparse import)", p.read_text(encoding="utf-8"), re.M)
    ]
    assert users and all(u.startswith("crawler/cli/") for u in users), users


def test_stat_keys_are_written_only_in_the_accounting_module():
    found = [
        f"{relative(p)}:{line}: {value!r}"
        for p in SOURCES
        if relative(p) != ACCOUNTING
        for line, value in string_constants(p)
        if STAT_KEY.match(value) or value in SCRAPY_STAT_NAMES
    ]
    assert found == []


def test_the_stat_key_check_sees_a_key_written_elsewhere(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('def f(stats):\n    stats.inc_value(f"kznews/dropped/{1}")\n', encoding="utf-8")
    assert [value for _, value in string_constants(module) if STAT_KEY.match(value)] == ["kznews/dropped/"]


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_module_is_too_long(path):
    if relative(path) in DATA_MODULES or "/migrations/versions/" in relative(path):
        return
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES
