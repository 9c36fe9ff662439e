"""The worker processes of pipelines.workerpool: starting and ending them, their main loop, the wire format.

Wire format, both ways: an 8-byte big-endian length, then a pickle. Parent -> worker: ``(fn, args)``.
Worker -> parent: ``("ready", None)`` once the initializer is done, then per task ``("ok", result)`` or
``("error", (exception, traceback text))``. A worker answers its tasks in order and exits at end of input:
when the pool closes its socket, or when the parent dies (the kernel closes it then too).

Whatever a task does short of killing its process becomes its answer: any exception, BaseExceptions
included, and a result or an exception that cannot be pickled. An exception travels as itself when the
caller can safely raise it, as a TaskFailed naming its class otherwise (see TaskFailed).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import struct
import traceback
from collections.abc import Callable
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any

FRAME = struct.Struct("!Q")
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
JOIN_TIMEOUT_S = 10.0
"""Longest wait for a killed worker to be reaped (it takes milliseconds unless the kernel is stuck)."""
ERROR_BYTES = 64 * 1024
"""Largest pickled exception sent as itself: past that it carries data (a page, a DOM), not a diagnosis;
a 629 MB log line once came back from one page's exception."""
TRACEBACK_CHARS = 20_000
"""Traceback text kept per error: about a hundred frames, so only a giant message gets cut."""
MESSAGE_CHARS = 1_000
"""Message kept of an error that travels as TaskFailed."""


class TaskFailed(RuntimeError):
    """A task's outcome that cannot reach the caller as itself, described as ``"ClassName: message"``.

    A BaseException that is no Exception (SystemExit, KeyboardInterrupt, GeneratorExit: raised in the
    caller's coroutine they would stop its event loop), StopIteration and StopAsyncIteration (an asyncio
    future refuses the one, an ``async for`` would end silently on the other), an exception that cannot be
    pickled, unpickled or is over ERROR_BYTES, a result that cannot be pickled ("unpicklable answer") or
    unpickled in the caller ("could not read the worker's answer").
    """


class RemoteTraceback(Exception):
    """The worker's traceback, chained as ``__cause__`` of an exception raised by a task."""

    def __str__(self) -> str:
        return f"\n\nworker traceback:\n{self.args[0]}"


def start_worker(
    context: SpawnContext, initializer: Callable[[], None] | None, nice: int
) -> tuple[BaseProcess, socket.socket]:
    """Start a worker running ``serve``; the process and the parent's end of its socket pair."""
    parent, child = socket.socketpair()
    process = context.Process(target=serve, args=(child, initializer, nice), daemon=True)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)  # inherited: see serve()
    try:
        process.start()
    except BaseException:
        parent.close()
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        child.close()
    return process, parent


def end(process: BaseProcess) -> int | None:
    """Reap ``process`` (killed first if it still runs: it is of no use any more, and it ignores SIGTERM,
    see serve()); its exit code."""
    if process.is_alive():
        process.kill()
    process.join(JOIN_TIMEOUT_S)
    return process.exitcode


def kill_all(processes: list[BaseProcess]) -> None:
    """SIGKILL those of ``processes`` still running."""
    for process in processes:
        if process.is_alive():
            process.kill()


def serve(sock: socket.socket, initializer: Callable[[], None] | None, nice: int = 0) -> None:
    """A worker's main loop: run the tasks read from ``sock`` until its input ends.

    The process starts with SIGINT/SIGTERM blocked (see start_worker); they are ignored before being
    unblocked, so one that came in meanwhile is discarded.
    """
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if nice:
        os.nice(nice)
    if initializer is not None:
        initializer()
    try:
        _send(sock, pickle.dumps(("ready", None)))
        while (payload := _receive(sock)) is not None:
            _send(sock, _answer(payload))
    except ConnectionError:  # the parent is gone
        pass


def decode(payload: bytes) -> tuple[bool, Any]:
    """A worker's answer: ``(True, result)`` or ``(False, exception)``, the worker's traceback chained."""
    try:
        status, value = pickle.loads(payload)
    except Exception as exc:  # a result that pickles but does not unpickle (_error checks exceptions)
        return False, TaskFailed(f"could not read the worker's answer: {describe(exc)}")
    if status == "ok":
        return True, value
    error, remote_traceback = value
    error.__cause__ = RemoteTraceback(remote_traceback)
    return False, error


def describe(error: BaseException) -> str:
    """``error``'s class name and the start of its message."""
    try:
        message = str(error)
    except Exception as exc:  # a __str__ that fails must not lose the error itself
        message = f"<str() failed: {type(exc).__name__}>"
    name = type(error).__qualname__
    return _cut(f"{name}: {message}" if message else name, MESSAGE_CHARS)


def _answer(payload: memoryview) -> bytes:
    """The pickled answer to one task: its result, or what it raised."""
    try:
        fn, args = pickle.loads(payload)
        result = fn(*args)
    except BaseException as exc:  # any: a page must not end its worker; the parent decides what it means
        return _error(exc)
    try:
        return pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a lambda, an lxml element, a recursion too deep to pickle
        failure = TaskFailed(f"unpicklable answer: {describe(exc)}")
        failure.__cause__ = exc
        return _error(failure)


def _error(exc: BaseException) -> bytes:
    """The pickled error answer for ``exc``: itself when it can be raised as itself (see TaskFailed), else a
    TaskFailed describing it."""
    remote = _cut("".join(traceback.format_exception(exc)), TRACEBACK_CHARS)
    if isinstance(exc, Exception) and not isinstance(exc, StopIteration | StopAsyncIteration):
        with contextlib.suppress(Exception):  # it does not pickle or does not come back: describe it
            payload = pickle.dumps(("error", (exc, remote)), protocol=pickle.HIGHEST_PROTOCOL)
            if len(payload) <= ERROR_BYTES:
                pickle.loads(payload)  # the parent runs the same code: what loads here loads there
                return payload
    return pickle.dumps(("error", (TaskFailed(describe(exc)), remote)), protocol=pickle.HIGHEST_PROTOCOL)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text) - limit} characters cut]"


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(FRAME.pack(len(payload)) + payload)


def _receive(sock: socket.socket) -> memoryview | None:
    """The next frame's payload, or None at end of input."""
    header = _receive_exactly(sock, FRAME.size)
    if header is None:
        return None
    (size,) = FRAME.unpack(header)
    return _receive_exactly(sock, size)


def _receive_exactly(sock: socket.socket, size: int) -> memoryview | None:
    buffer = memoryview(bytearray(size))
    received = 0
    while received < size:
        count = sock.recv_into(buffer[received:])
        if count == 0:
            return None
        received += count
    return buffer
