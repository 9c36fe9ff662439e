"""The README stays true to the code: the generated sites table and the two set-up commands."""

import re
from pathlib import Path

from crawler.profiles import render_sites_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_sites_table_is_current():
    block = re.search(r"<!-- sites:start -->\n(.*?)\n<!-- sites:end -->", README, re.S)
    assert block, "README has no sites block"
    assert block.group(1) == render_sites_table().rstrip("\n")


def test_first_screen_has_exactly_the_two_set_up_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
