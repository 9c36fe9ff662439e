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


def module_map() -> list[str]:
    block = re.search(r"<!-- modules:start -->\n```\n(.*?)```\n<!-- modules:end -->", README, re.S)
    assert block, "README has no module map"
    return [line.split()[0] for line in block.group(1).splitlines() if line.strip()]


def test_module_map_names_only_modules_that_exist():
    root = Path(__file__).resolve().parent.parent
    assert [path for path in module_map() if not (root / path).is_file()] == []


def test_module_map_names_every_module():
    root = Path(__file__).resolve().parent.parent
    modules = {
        path.relative_to(root).as_posix()
        for package in ("crawler", "pipelines", "db", "bench")
        for path in (root / package).rglob("*.py")
        if "/migrations/versions/" not in path.as_posix()
    }
    named = module_map()
    assert sorted(modules - set(named)) == [] and len(named) == len(set(named))
