"""WorkerPool: worker processes fed by the running asyncio event loop itself, one socket pair each.

Why not ``concurrent.futures.ProcessPoolExecutor``: it moves every task through two helper threads of the
calling process (a queue feeder and a result manager), with a wake-up pipe and four thread hand-offs per
task, and the crawl's process is what all the workers wait on. Here the loop writes the pickled task to
the worker's socket and reads the answer when it arrives: no threads. Caller CPU per 113 kB task: 0.20 ms
with the executor, 0.08 ms here (bench/worker_pool.py); in a 5,000-page replay the crawl's process used
1.2 s less CPU (bench/crawl.py). pebble has per-task timeouts, but on three threads of the caller and one
pipe shared by all workers, with two messages per task: 3x our CPU per task (bench/worker_pool.py); and,
awaited from asyncio, a StopIteration still hangs its caller, while the death of an idle worker or an
exception that does not unpickle breaks its pool for good (pebble 5.2.3). loky and aiomultiprocess share
the thread-and-queue design, hence no library. The worker side and the wire are in pipelines/workerproc.py.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.util
import pickle
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from pipelines.workerproc import FRAME, RemoteTraceback, TaskFailed, decode, end, kill_all, start_worker

__all__ = ["BrokenPool", "RemoteTraceback", "TaskFailed", "TaskTimeout", "WorkerCrashed", "WorkerPool"]

logger = logging.getLogger(__name__)

TASKS_PER_WORKER = 2
"""Tasks written to a worker ahead of its answers: the next page waits in its socket when one is done."""
CLOSE_TIMEOUT_S = 10.0
"""How long ``close`` waits for the submitted tasks and the workers' exit before killing the workers."""
TASK_TIMEOUT_S = 10.0
"""Wall time a task may keep its worker: pages take tens of ms, a catastrophic regex hours; wall time, so
a nice +10 worker on a busy machine needs the margin."""
EXIT_WAIT_S = 1.0
"""A lost worker's time to exit by itself (milliseconds) before the kill: its own exit code is reported."""
START_ATTEMPTS = 3
"""Starts in a row a worker slot gets before it is given up (the pool goes on with the other slots)."""
START_BACKOFF_S = 0.5
"""Wait before a slot's second start, doubled before the third: for a passing cause (memory pressure, a
deploy replacing files) to pass, while a failing initializer still fails within seconds."""


class WorkerCrashed(RuntimeError):
    """Every worker that ran the task died (killed, out of memory, a crash in C code): 1 + crash_retries."""


class TaskTimeout(RuntimeError):
    """The task ran longer than the pool's ``task_timeout``; its worker was killed and replaced."""


class BrokenPool(RuntimeError):
    """The pool is closed, or no worker can start (each died before it was ready START_ATTEMPTS times)."""


@dataclass(slots=True, eq=False)
class _Job:
    payload: bytes
    future: asyncio.Future[Any]
    crashes: int = 0  # workers that died running it
    on_crash: Callable[[int | None], None] | None = None  # the caller's, for a worker dying on this task


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    attempt: int  # failed starts of this slot right before this one
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(TASKS_PER_WORKER))
    pending: deque[_Job] = field(default_factory=deque)  # written, not answered; the first one runs
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    ready: bool = False
    started_at: float = 0.0  # loop time at which pending[0] started
    timer: asyncio.TimerHandle | None = None
    expired: _Job | None = None  # the job it was killed for running too long


class WorkerPool:
    """``size`` spawned worker processes running ``await pool.run(fn, *args)`` calls.

    Faults stay with their task: any exception fails that task only; a task over ``task_timeout`` has its
    worker killed and fails with TaskTimeout; a task whose worker died runs again on another (the tasks
    behind it in that worker's socket run elsewhere, uncounted), and fails with WorkerCrashed when that one
    dies too; a worker that cannot start is retried, and the pool breaks only when none can start.

    Workers start with SIGINT/SIGTERM ignored: Ctrl-C reaches the whole process group and systemd signals
    every process of a unit, and a worker killed mid-task would lose it; the parent decides when to stop
    and closes the pool. Should the parent exit without closing it (a second Ctrl-C), its exit kills them.

    Args:
        size: worker processes.
        initializer: run once in each worker before its first task (imports, models).
        on_crash: called with the exit code of each worker that died on its own, at start-up included (a
            worker killed for a task's time is not counted: its task fails with TaskTimeout).
        nice: added to the workers' niceness. With as many workers as cores, the parent otherwise waits
            for a core whenever it has work, and its workers wait for it in turn: a crawl with two workers
            on two cores cleaned 344 pages/s at 0, 358 at +10 (bench/crawl.py), and its downloads stay
            on time.
        task_timeout: seconds a task may run, counted from its start in the worker, not from ``run``;
            None: no limit.
        crash_retries: times a task whose worker died is run again on another worker.
        close_timeout: how long ``close`` waits for the submitted tasks and the workers' exit.
    """

    def __init__(
        self,
        size: int,
        initializer: Callable[[], None] | None = None,
        on_crash: Callable[[int | None], None] | None = None,
        nice: int = 0,
        task_timeout: float | None = TASK_TIMEOUT_S,
        crash_retries: int = 1,
        close_timeout: float = CLOSE_TIMEOUT_S,
    ) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {size}")
        self.size = size
        self.initializer = initializer
        self.on_crash = on_crash
        self.nice = nice
        self.task_timeout = task_timeout
        self.crash_retries = crash_retries
        self.close_timeout = close_timeout
        self.context = multiprocessing.get_context("spawn")  # forking a running event loop is unsafe
        self.jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self.workers: list[_Worker] = []
        self.outstanding: set[asyncio.Future[Any]] = set()
        self.given_up = 0  # worker slots whose starts all failed
        self.broken: str | None = None
        self.closing = False  # no new tasks
        self.closed = False  # no new workers either
        # runs at the parent's exit before multiprocessing joins its children: a worker ignores the
        # SIGTERM multiprocessing sends, and one that spins or waits for input would hang that join
        workers = self.workers  # not self: the finalizer must not keep the pool alive
        self.finalizer = multiprocessing.util.Finalize(
            self, lambda: kill_all([w.process for w in workers]), exitpriority=10
        )

    async def start(self) -> None:
        """Spawn the workers; they import and initialise in parallel while the caller goes on."""
        self.loop = asyncio.get_running_loop()
        for _ in range(self.size):
            await self._spawn(0)

    async def run(
        self, fn: Callable[..., Any], *args: Any, on_crash: Callable[[int | None], None] | None = None
    ) -> Any:
        """Run ``fn(*args)`` in a worker; its result, or its exception with the worker's traceback chained.

        A worker dying on it is reported to ``on_crash`` if given (a sharer's own count), else the pool's.

        Raises:
            TaskFailed: the task raised what cannot be raised here as itself (see TaskFailed), or its
                result could not be pickled.
            TaskTimeout: the task ran longer than ``task_timeout``.
            WorkerCrashed: its worker died, and so did the one it was retried on.
            BrokenPool: the pool is closed or no worker can start.
        """
        if self.broken or self.closing:
            raise BrokenPool(self.broken or "the worker pool is closed")
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.outstanding.add(future)
        future.add_done_callback(self.outstanding.discard)
        self.jobs.put_nowait(_Job(payload, future, on_crash=on_crash))
        return await future

    async def close(self) -> None:
        """Refuse new tasks, let the workers finish the submitted ones, end their input and wait for them to
        exit; after ``close_timeout`` kill them, failing the tasks left with BrokenPool."""
        self.closing = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.close_timeout
        if self.outstanding:
            await asyncio.wait(set(self.outstanding), timeout=self.close_timeout)
        self.closed = True
        for worker in self.workers:
            self._stop_watching(worker)
            worker.writer.close()
        for worker in self.workers:
            await _exited(worker.process, deadline - loop.time())
            if worker.process.is_alive():
                logger.warning("worker %s still busy at close; killing it", worker.process.pid)
            end(worker.process)
            for job in worker.pending:
                if not job.future.done():
                    job.future.set_exception(BrokenPool("the worker pool closed before this task finished"))
        self._fail_queued(BrokenPool("the worker pool closed before this task ran"))
        self.workers.clear()
        self.finalizer()  # nothing left to kill at exit

    async def _spawn(self, attempt: int) -> None:
        if self.closed:
            return
        process, sock = start_worker(self.context, self.initializer, self.nice)
        try:
            reader, writer = await asyncio.open_connection(sock=sock)
        except BaseException:  # cancelled (by a close): the process is not ours to keep
            sock.close()
            end(process)
            raise
        if self.closed:  # close finished meanwhile
            writer.close()
            end(process)
            return
        worker = _Worker(process, reader, writer, attempt)
        worker.tasks = [asyncio.create_task(self._answers(worker))]
        self.workers.append(worker)

    async def _feed(self, worker: _Worker) -> None:
        """Write queued tasks to ``worker``, at most TASKS_PER_WORKER ahead of its answers."""
        try:
            while True:
                await worker.slots.acquire()
                job = await self.jobs.get()
                if job.future.cancelled():
                    worker.slots.release()
                    continue
                if not worker.pending:  # an idle worker starts it now
                    self._started(worker)
                worker.pending.append(job)
                worker.writer.write(FRAME.pack(len(job.payload)))
                worker.writer.write(job.payload)
                await worker.writer.drain()
        except ConnectionError:  # the worker died: its answers end too, and _lost settles what it holds
            pass

    async def _answers(self, worker: _Worker) -> None:
        """Read ``worker``'s answers and settle its tasks in order; replace it when it dies."""
        try:
            if pickle.loads(await _read_frame(worker.reader)) != ("ready", None):
                raise ConnectionError("the worker's first answer was not 'ready'")
            worker.ready = True
            worker.tasks.append(asyncio.create_task(self._feed(worker)))
            while True:
                frame = await _read_frame(worker.reader)
                job = worker.pending.popleft()
                worker.slots.release()
                if worker.pending:  # the worker goes on to the next one, already in its socket
                    self._started(worker)
                if not job.future.cancelled():
                    ok, value = decode(frame)
                    if ok:
                        job.future.set_result(value)
                    else:
                        job.future.set_exception(value)
        except Exception as exc:  # its end of input, or anything unexpected: of no use any more either way
            await self._lost(worker, exc)

    def _started(self, worker: _Worker) -> None:
        """``worker`` started its first pending task: note the time, and have a timer watch it unless one
        does (it re-arms itself for the task running when it fires: no timer per task)."""
        worker.started_at = self.loop.time()
        if self.task_timeout is not None and worker.timer is None:
            worker.timer = self.loop.call_at(worker.started_at + self.task_timeout, self._watch, worker)

    def _watch(self, worker: _Worker) -> None:
        """Kill ``worker`` if its running task is over the time limit; else wait for that task's deadline."""
        worker.timer = None
        if not worker.pending or worker.expired:
            return
        deadline = worker.started_at + self.task_timeout
        if self.loop.time() < deadline:
            worker.timer = self.loop.call_at(deadline, self._watch, worker)
            return
        worker.expired = worker.pending[0]
        logger.error("worker %s ran one task over %s s; killing it", worker.process.pid, self.task_timeout)
        worker.process.kill()  # it ignores SIGTERM; its answers end, then _lost replaces it

    def _stop_watching(self, worker: _Worker) -> None:
        for task in worker.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        if worker.timer is not None:
            worker.timer.cancel()

    async def _lost(self, worker: _Worker, exc: Exception) -> None:
        """``worker``'s answers ended: settle or requeue what it held and start another in its place."""
        self._stop_watching(worker)
        worker.writer.close()
        await _exited(worker.process, EXIT_WAIT_S)
        code, pid = end(worker.process), worker.process.pid
        self.workers.remove(worker)
        if worker.expired is None:  # it died on its own, not for a task's time
            state = "died" if worker.ready else "died before it was ready"
            logger.error("worker %s %s (exit code %s): %r", pid, state, code, exc)
            running = worker.pending[0].on_crash if worker.ready and worker.pending else None
            if on_crash := running or self.on_crash:
                on_crash(code)
        for index, job in enumerate(worker.pending):  # none if it never got ready
            if job.future.cancelled():
                continue
            if job is worker.expired:
                job.future.set_exception(TaskTimeout(f"ran longer than {self.task_timeout} s (worker {pid})"))
                continue
            if index == 0 and worker.expired is None:  # it was running this one when it died
                job.crashes += 1
                if job.crashes > self.crash_retries:
                    message = f"worker {pid} died (exit code {code}), {job.crashes} with this task"
                    job.future.set_exception(WorkerCrashed(message))
                    continue
            self.jobs.put_nowait(job)  # not started, or retried: it runs on another worker
        await self._replace(0 if worker.ready else worker.attempt + 1, f"exit code {code}: {exc!r}")

    async def _replace(self, attempt: int, reason: str) -> None:
        """Start a worker after ``attempt`` failed starts of its slot in a row, or give the slot up."""
        while attempt < START_ATTEMPTS:
            if attempt:
                await asyncio.sleep(START_BACKOFF_S * 2 ** (attempt - 1))
            try:
                await self._spawn(attempt)
                return
            except OSError as exc:  # no process or socket to be had now (process or file limits)
                logger.error("could not start a worker: %r", exc)
                attempt, reason = attempt + 1, repr(exc)
        self.given_up += 1
        if self.given_up < self.size:
            logger.error("a worker failed to start %s times; going on with the others", START_ATTEMPTS)
            return
        self.broken = f"every worker died before it was ready, {START_ATTEMPTS} times in a row ({reason})"
        logger.error("%s", self.broken)
        self._fail_queued(BrokenPool(self.broken))

    def _fail_queued(self, error: Exception) -> None:
        while not self.jobs.empty():
            job = self.jobs.get_nowait()
            if not job.future.done():
                job.future.set_exception(error)


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = FRAME.unpack(await reader.readexactly(FRAME.size))
    return await reader.readexactly(size)


async def _exited(process: BaseProcess, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for ``process`` to exit by itself."""
    deadline = asyncio.get_running_loop().time() + timeout
    while process.is_alive() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
