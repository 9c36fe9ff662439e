"""A wheel built from the repo runs the offline demo in an empty directory, outside the checkout."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UNPACKAGED = (".git", ".venv", "build", "data", "*.egg-info", "__pycache__", ".*_cache", "tests")


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_runs_the_demo_in_an_empty_directory(tmp_path):
    source = tmp_path / "source"  # setuptools writes build/ and *.egg-info into the tree it builds
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*UNPACKAGED))
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("kznews-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        str(wheel),
    ]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    # kznews only from the wheel; its dependencies from the test environment (a plain path entry: the
    # test environment's own .pth files, such as the editable kznews, are not processed from there).
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run(
        [str(python), "-c", "import crawler, pipelines, db; print(crawler.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site)), where.stdout
    run = tmp_path / "empty"
    run.mkdir()
    demo = subprocess.run(
        [str(venv / "bin" / "kznews"), "demo", "--workers", "1"],
        cwd=run,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "kznews run summary: kazinform (finished)" in demo.stdout
    assert (run / "data" / "kznews.sqlite3").is_file()
