"""Tasks for the WorkerPool tests: spawned workers import them by module name."""

import builtins
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


def first_headline(headlines: list[str]) -> str:
    """pipelines/structured.py's fault: ``"headline": []`` raised StopIteration."""
    return next(iter(headlines))


def raise_builtin(name: str) -> None:
    raise getattr(builtins, name)("raised by a page")


class HoldsLambda(Exception):
    """Cannot be pickled: a lambda in its __dict__."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.callback = lambda: None


class TwoArguments(Exception):
    """Pickles, but does not unpickle: its args hold one value, its __init__ wants two."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} and {second}")


def raise_unpicklable() -> None:
    raise HoldsLambda("kept a callback")


def raise_unreadable() -> None:
    raise TwoArguments("lost", "on the way")


def unreadable_result() -> TwoArguments:
    return TwoArguments("a result", "that does not unpickle")


def raise_huge(size: int) -> None:
    raise ValueError("log line " + "x" * size)


def die_once(flag: str) -> int:
    """SIGKILL this worker the first time (``flag`` does not exist yet), return the pid after."""
    if not os.path.exists(flag):
        open(flag, "w").close()
        die()
    return os.getpid()


def fail_first_start(flag: str) -> None:
    """An initializer that fails in the first worker to run it (creating ``flag`` is atomic)."""
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    raise SystemExit(3)
