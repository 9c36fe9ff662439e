"""Tasks for the WorkerPool tests: spawned workers import them by module name."""

import os
import signal
import time


def whoami(delay: float = 0.0) -> int:
    time.sleep(delay)
    return os.getpid()


def echo(value):
    return value


def fail(message: str) -> None:
    raise ValueError(message)


def unpicklable():
    return lambda: None


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def interrupted(delay: float) -> int:
    """Send this worker a SIGINT and a SIGTERM, then finish the task anyway."""
    os.kill(os.getpid(), signal.SIGINT)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(delay)
    return os.getpid()


def broken_initializer() -> None:
    raise SystemExit(3)


def niceness() -> int:
    return os.nice(0)


def stubborn() -> None:
    """A process that ignores SIGTERM, as a worker does."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)
