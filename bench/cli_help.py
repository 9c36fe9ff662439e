"""Wall time of `kznews --help` and of every `kznews COMMAND --help`, each a fresh process, as a user runs it.

Run from the repo root: ``.venv/bin/python -m bench.cli_help [--repeats N] [--write-readme]``. Each help
runs ``--repeats`` times (interleaved, so background load hits all alike); the best run counts, the median
is shown beside it. The first row is a bare ``python -c pass``: the interpreter's own start-up, which no
lazy import can remove. The last line checks the slowest help against the target.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.readme import write_block
from crawler.cli import COMMANDS

TARGET_S = 0.3  # issue 11: every --help answers in under 0.3 s
BARE_PYTHON = "python -c pass"


def console_script() -> list[str]:
    """The installed ``kznews`` script beside this interpreter, else ``python -m crawler.cli``."""
    script = Path(sys.executable).parent / "kznews"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crawler.cli"]


def measure(repeats: int) -> dict[str, list[float]]:
    """Seconds per run of each help command (and of a bare interpreter), keyed by the command line."""
    kznews = console_script()
    commands = {BARE_PYTHON: [sys.executable, "-c", "pass"], "kznews --help": [*kznews, "--help"]}
    commands |= {f"kznews {name} --help": [*kznews, name, "--help"] for name in COMMANDS}
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeats):
        for label, argv in commands.items():
            started = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[label].append(time.perf_counter() - started)
    return times


def render(times: dict[str, list[float]], repeats: int) -> str:
    """The Markdown table and the verdict line."""
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    lines = [
        f"`python -m bench.cli_help --repeats {repeats}`: each command a fresh process, best and median of "
        f"{repeats} interleaved runs; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load}.",
        "",
        "| command | best s | median s |",
        "|---|--:|--:|",
    ]
    lines += [
        f"| `{label}` | {min(runs):.3f} | {statistics.median(runs):.3f} |" for label, runs in times.items()
    ]
    helps = {label: min(runs) for label, runs in times.items() if label != BARE_PYTHON}
    slowest = max(helps, key=helps.__getitem__)
    verdict = "PASS" if helps[slowest] < TARGET_S else "MISS"
    lines += ["", f"- slowest help `{slowest}`: {helps[slowest]:.3f} s (target < {TARGET_S} s) {verdict}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table; with --write-readme also put it into README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per command (the best counts)")
    parser.add_argument("--write-readme", action="store_true", help="replace the bench:cli_help block")
    args = parser.parse_args(argv)
    table = render(measure(args.repeats), args.repeats)
    print(table)
    if args.write_readme:
        write_block("cli_help", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
