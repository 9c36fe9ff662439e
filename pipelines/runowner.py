"""Who runs a crawl: the owner recorded with a run (host, pid, the pid's start time) and whether it lives."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any


def run_owner() -> dict[str, Any]:
    """This process as the owner of a crawl run: host, pid and the pid's start time (against pid reuse)."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "pid_started": _process_started(os.getpid())}


def owner_alive(owner: Mapping[str, Any]) -> bool:
    """True when the process named by a running run's owner (see :func:`run_owner`) is still running here.

    A run started on another host cannot be checked and counts as dead: one harvester per site at a time.
    """
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    started = _process_started(pid)
    return started is None or owner.get("pid_started") in (None, started)


def _process_started(pid: int) -> int | None:
    """The process's start time in clock ticks after boot (Linux /proc); None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            stat = file.read()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])  # field 22; the command name may hold spaces
