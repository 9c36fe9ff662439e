"""WorkerPool: worker processes fed by the running asyncio event loop itself, one socket pair each.

Why not ``concurrent.futures.ProcessPoolExecutor``: it moves every task through two helper threads of the
calling process (a queue feeder and a result manager), with a wake-up pipe and four thread hand-offs per
task, and the crawl's process is what all the workers wait on. Here the loop writes the pickled task to
the worker's socket and reads the answer when it arrives: no threads. Caller CPU per 113 kB task: 0.20 ms
with the executor, 0.08 ms here (bench/worker_pool.py); in a 5,000-page replay the crawl's process used
1.2 s less CPU (bench/crawl.py). loky, pebble and aiomultiprocess are built on the same thread-and-queue
design, hence no library.

Wire format, both ways: an 8-byte big-endian length, then a pickle. Parent -> worker: ``(fn, args)``.
Worker -> parent: ``("ready", None)`` once the initializer is done, then per task ``("ok", result)`` or
``("error", (exception, traceback text))``. A worker answers its tasks in order and exits at end of input:
when the pool closes its socket, or when the parent dies (the kernel closes it then too).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger(__name__)

FRAME = struct.Struct("!Q")
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
TASKS_PER_WORKER = 2
"""Tasks written to a worker ahead of its answers: the next page waits in its socket when one is done."""
CLOSE_TIMEOUT_S = 10.0
"""How long ``close`` waits for a worker to exit on its own before killing it."""


class WorkerCrashed(RuntimeError):
    """The worker process died while it held the task (killed, out of memory, a crash in C code)."""


class BrokenPool(RuntimeError):
    """The workers cannot start (a worker died before it was ready); no task can run."""


class RemoteTraceback(Exception):
    """The worker's traceback, chained as ``__cause__`` of an exception raised by a task."""

    def __str__(self) -> str:
        return f"\n\nworker traceback:\n{self.args[0]}"


@dataclass
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(TASKS_PER_WORKER))
    pending: deque[asyncio.Future[Any]] = field(default_factory=deque)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class WorkerPool:
    """``size`` spawned worker processes running ``await pool.run(fn, *args)`` calls.

    Workers start with SIGINT/SIGTERM ignored: Ctrl-C reaches the whole process group and systemd signals
    every process of a unit, and a worker killed mid-task would lose it; the parent decides when to stop
    and closes the pool after its tasks are done. A worker that dies is replaced; its tasks fail with
    WorkerCrashed. A worker that dies before it is ready breaks the pool (the next one would too).

    Args:
        size: worker processes.
        initializer: run once in each worker before its first task (imports, models).
        on_crash: called with the exit code when a worker died and was replaced (counting, alerts).
        nice: added to the workers' niceness. With as many workers as cores, the parent otherwise waits
            for a core whenever it has work, and its workers wait for it in turn: a crawl with two workers
            on two cores cleaned 344 pages/s at 0, 358 at +10 (bench/crawl.py), and its downloads stay
            on time.
    """

    def __init__(
        self,
        size: int,
        initializer: Callable[[], None] | None = None,
        on_crash: Callable[[int | None], None] | None = None,
        nice: int = 0,
    ) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {size}")
        self.size = size
        self.initializer = initializer
        self.on_crash = on_crash
        self.nice = nice
        self.context = multiprocessing.get_context("spawn")  # forking a running event loop is unsafe
        self.jobs: asyncio.Queue[tuple[bytes, asyncio.Future[Any]]] = asyncio.Queue()
        self.workers: list[_Worker] = []
        self.outstanding: set[asyncio.Future[Any]] = set()
        self.broken: str | None = None
        self.closing = False

    async def start(self) -> None:
        """Spawn the workers; they import and initialise in parallel while the caller goes on."""
        for _ in range(self.size):
            await self._spawn()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker; its result, or its exception with the worker's traceback chained.

        Raises:
            WorkerCrashed: the worker died with this task.
            BrokenPool: the pool is closed or its workers could not start.
        """
        if self.broken or self.closing:
            raise BrokenPool(self.broken or "the worker pool is closed")
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.outstanding.add(future)
        future.add_done_callback(self.outstanding.discard)
        self.jobs.put_nowait((payload, future))
        return await future

    async def close(self) -> None:
        """Refuse new tasks, let the workers finish the submitted ones, end their input and wait for them to
        exit (killed after CLOSE_TIMEOUT_S)."""
        self.closing = True
        if self.outstanding:
            await asyncio.wait(set(self.outstanding))
        for worker in self.workers:
            for task in worker.tasks:
                task.cancel()
            worker.writer.close()
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        for worker in self.workers:
            while worker.process.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if worker.process.is_alive():
                logger.warning("worker %s did not exit; killing it", worker.process.pid)
            _end(worker.process)
        self._fail_queued(BrokenPool("the worker pool closed before this task ran"))
        self.workers.clear()

    async def _spawn(self) -> None:
        parent, child = socket.socketpair()
        process = self.context.Process(target=serve, args=(child, self.initializer, self.nice), daemon=True)
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)  # inherited: see serve()
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            child.close()
        reader, writer = await asyncio.open_connection(sock=parent)
        worker = _Worker(process, reader, writer)
        worker.tasks = [asyncio.create_task(self._answers(worker))]
        self.workers.append(worker)

    async def _feed(self, worker: _Worker) -> None:
        """Write queued tasks to ``worker``, at most TASKS_PER_WORKER ahead of its answers."""
        while True:
            await worker.slots.acquire()
            payload, future = await self.jobs.get()
            if future.cancelled():
                worker.slots.release()
                continue
            worker.pending.append(future)
            worker.writer.write(FRAME.pack(len(payload)))
            worker.writer.write(payload)
            await worker.writer.drain()

    async def _answers(self, worker: _Worker) -> None:
        """Read ``worker``'s answers and settle its tasks in order; replace it when it dies."""
        try:
            if pickle.loads(await _read_frame(worker.reader)) != ("ready", None):
                raise ConnectionError("the worker's first answer was not 'ready'")
            worker.tasks.append(asyncio.create_task(self._feed(worker)))
            while True:
                frame = await _read_frame(worker.reader)
                future = worker.pending.popleft()
                worker.slots.release()
                if not future.cancelled():
                    _settle(future, frame)
        except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError) as exc:
            await self._lost(worker, exc)

    async def _lost(self, worker: _Worker, exc: Exception) -> None:
        """``worker``'s answers ended: fail what it held and start another in its place."""
        for task in worker.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        worker.writer.close()
        code = _end(worker.process)
        self.workers.remove(worker)
        while worker.pending:
            future = worker.pending.popleft()
            if not future.done():
                future.set_exception(WorkerCrashed(f"worker {worker.process.pid} died (exit code {code})"))
        if len(worker.tasks) == 1:  # no feeder: it never got ready
            self.broken = f"a worker died before it was ready (exit code {code}): {exc!r}"
            logger.error("%s", self.broken)
            self._fail_queued(BrokenPool(self.broken))
            return
        logger.error("worker %s died (exit code %s); starting another", worker.process.pid, code)
        if self.on_crash:
            self.on_crash(code)
        await self._spawn()

    def _fail_queued(self, error: Exception) -> None:
        while not self.jobs.empty():
            _, future = self.jobs.get_nowait()
            if not future.done():
                future.set_exception(error)


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = FRAME.unpack(await reader.readexactly(FRAME.size))
    return await reader.readexactly(size)


def _settle(future: asyncio.Future[Any], frame: bytes) -> None:
    """Give ``future`` the result or the exception a worker's answer holds."""
    try:
        status, value = pickle.loads(frame)
    except Exception as exc:  # an exception class whose pickle does not round-trip, say
        future.set_exception(RuntimeError(f"could not read the worker's answer: {exc!r}"))
        return
    if status == "ok":
        future.set_result(value)
    else:
        error, remote_traceback = value
        error.__cause__ = RemoteTraceback(remote_traceback)
        future.set_exception(error)


def _end(process: BaseProcess) -> int | None:
    """Reap ``process`` (killed first if it still runs: its answers ended, it is of no use; it ignores
    SIGTERM, see serve()); its exit code."""
    if process.is_alive():
        process.kill()
    process.join(CLOSE_TIMEOUT_S)
    return process.exitcode


def serve(sock: socket.socket, initializer: Callable[[], None] | None, nice: int = 0) -> None:
    """A worker's main loop: run the tasks read from ``sock`` until its input ends.

    The process starts with SIGINT/SIGTERM blocked (see WorkerPool._spawn); they are ignored before being
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
        _send(sock, ("ready", None))
        while (payload := _receive(sock)) is not None:
            fn, args = pickle.loads(payload)
            try:
                answer: tuple[str, Any] = ("ok", fn(*args))
            except Exception as exc:  # the parent re-raises it, with this traceback chained
                answer = ("error", (exc, traceback.format_exc()))
            try:
                _send(sock, answer)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # unpicklable result/exception
                _send(sock, ("error", (RuntimeError(f"unpicklable answer: {exc!r}"), traceback.format_exc())))
    except ConnectionError:  # the parent is gone
        pass


def _send(sock: socket.socket, answer: tuple[str, Any]) -> None:
    payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
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
