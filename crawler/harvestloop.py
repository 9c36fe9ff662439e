"""`kznews harvest --every`: run a harvest cycle in a fresh child process every interval until stopped.

Each cycle is a child process (``python -m crawler.cli harvest`` without --every) rather than repeated
crawls in one reactor: Twisted's reactor cannot be restarted, and a fresh process per cycle gives back
memory, file descriptors and extraction workers every time, which matters for a loop meant to run for
years; a cycle that crashes is reported and the loop goes on (its rows, left 'running', are marked failed
when the site is next opened). SIGINT/SIGTERM to the loop is passed on to the running cycle, which finishes
its items in flight and stores them (a second signal forces it, as in Scrapy); the loop then exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

SLEEP_STEP_S = 0.5  # the loop's sleep granularity: how fast it notices a stop signal between cycles


def harvest_every(
    cycle_argv: Sequence[str],
    interval: float,
    cycles: int | None = None,
    cycle_environment: Mapping[str, str] | None = None,
) -> int:
    """Run ``kznews harvest <cycle_argv>`` in a child process every ``interval`` seconds (start to start).

    Args:
        cycle_argv: the harvest's own arguments, without --every / --cycles.
        interval: seconds from one cycle's start to the next's.
        cycles: stop after this many cycles (None: until a signal).
        cycle_environment: added to each cycle's environment (secrets stay out of its argv).

    Returns:
        0 when the loop was stopped by a signal or the last cycle succeeded, else 1.
    """
    command = [sys.executable, "-m", "crawler.cli", "harvest", *cycle_argv]
    environment = {**os.environ, **(cycle_environment or {})}
    state: dict[str, Any] = {"stop": False, "child": None}

    def on_signal(signum: int, _frame: Any) -> None:
        state["stop"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)  # a second signal forces the cycle to stop, as Scrapy does

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    cycle = status = 0
    try:
        while not state["stop"]:
            cycle += 1
            began = time.monotonic()
            print(
                f"kznews harvest: cycle {cycle} starts at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
                flush=True,
            )
            # Its own session: a terminal's Ctrl-C reaches this loop only, which passes it on exactly once.
            state["child"] = child = subprocess.Popen(command, env=environment, start_new_session=True)
            if state["stop"]:  # the signal came while the child was being started
                child.send_signal(signal.SIGTERM)
            status = child.wait()
            state["child"] = None
            if status:
                print(
                    f"kznews harvest: cycle {cycle} ended with status {status}", file=sys.stderr, flush=True
                )
            if cycles and cycle >= cycles:
                break
            while not state["stop"] and (left := began + interval - time.monotonic()) > 0:
                time.sleep(min(left, SLEEP_STEP_S))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if state["stop"] or status == 0 else 1  # a cycle killed by a signal has a negative status
