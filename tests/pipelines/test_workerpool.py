import asyncio
import functools
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from pipelines.workerpool import (
    BrokenPool,
    RemoteTraceback,
    TaskFailed,
    TaskTimeout,
    WorkerCrashed,
    WorkerPool,
)
from pipelines.workerproc import end
from tests.pipelines import pool_tasks


async def started(size=2, **kwargs):
    pool = WorkerPool(size, **kwargs)
    await pool.start()
    return pool


def test_tasks_run_in_every_worker_and_results_come_back():
    async def scenario():
        pool = await started(2)
        try:
            pids = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.01) for _ in range(40)))
            big = b"x" * 3_000_000  # several socket buffers each way
            echoed = await asyncio.gather(*(pool.run(pool_tasks.echo, big + bytes([i])) for i in range(5)))
            workers = {w.process.pid for w in pool.workers}
        finally:
            await pool.close()
        return pids, echoed, workers

    pids, echoed, workers = asyncio.run(scenario())
    assert set(pids) == workers and len(workers) == 2 and os.getpid() not in workers
    assert echoed == [b"x" * 3_000_000 + bytes([i]) for i in range(5)]


def test_workers_run_nicer_by_the_pool_s_increment():
    async def scenario():
        pool = await started(1, nice=3)
        try:
            return await pool.run(pool_tasks.niceness)
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == min(os.nice(0) + 3, 19)


def test_a_task_exception_is_raised_with_the_worker_traceback():
    async def scenario():
        pool = await started(1)
        try:
            with pytest.raises(ValueError, match="bad page") as info:
                await pool.run(pool_tasks.fail, "bad page")
            with pytest.raises(RuntimeError, match="unpicklable answer"):
                await pool.run(pool_tasks.unpicklable)
            assert await pool.run(pool_tasks.echo, 7) == 7  # the worker goes on
        finally:
            await pool.close()
        return info.value

    error = asyncio.run(scenario())
    assert isinstance(error.__cause__, RemoteTraceback)
    assert "raise ValueError(message)" in str(error.__cause__)


def test_a_dead_worker_fails_its_task_only_and_is_replaced():
    crashes = []

    async def scenario():
        pool = await started(2, on_crash=crashes.append, crash_retries=0)  # retries: see the tests below
        try:
            first = {w.process.pid for w in pool.workers}
            slow = [pool.run(pool_tasks.whoami, 0.3) for _ in range(3)]
            results = await asyncio.gather(pool.run(pool_tasks.die), *slow, return_exceptions=True)
            after = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.01) for _ in range(20)))
            now = {w.process.pid for w in pool.workers}
        finally:
            await pool.close()
        return first, results, after, now

    first, results, after, now = asyncio.run(scenario())
    assert isinstance(results[0], WorkerCrashed) and "exit code -9" in str(results[0])
    assert crashes == [-9]
    assert len(now) == 2 and len(now & first) == 1  # one survivor, one replacement
    assert set(after) == now
    # tasks queued behind the dead one in its socket failed with it or ran elsewhere, none hangs
    assert all(isinstance(r, int | WorkerCrashed) for r in results[1:])


def test_workers_that_cannot_start_break_the_pool():
    async def scenario():
        pool = await started(1, initializer=pool_tasks.broken_initializer)
        try:
            with pytest.raises(BrokenPool, match="died before it was ready"):
                await pool.run(pool_tasks.echo, 1)
            with pytest.raises(BrokenPool):
                await pool.run(pool_tasks.echo, 2)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_workers_ignore_stop_signals_and_close_waits_for_their_tasks():
    async def scenario():
        pool = await started(2)
        tasks = [asyncio.ensure_future(pool.run(pool_tasks.interrupted, 0.3)) for _ in range(2)]
        await asyncio.sleep(0)
        processes = [w.process for w in pool.workers]
        await pool.close()
        with pytest.raises(BrokenPool, match="closed"):
            await pool.run(pool_tasks.echo, 1)
        return [t.result() for t in tasks], processes

    pids, processes = asyncio.run(scenario())
    assert len(pids) == 2 and set(pids) <= {p.pid for p in processes}  # done despite SIGINT + SIGTERM
    assert [p.exitcode for p in processes] == [0, 0]  # and exited on their own at close


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    script = textwrap.dedent(
        """
        import asyncio, sys
        from pipelines.workerpool import WorkerPool
        from tests.pipelines import pool_tasks

        async def main():
            pool = WorkerPool(2)
            await pool.start()
            pids = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.05) for _ in range(8)))
            print(*sorted(set(pids)), flush=True)
            await asyncio.sleep(60)

        asyncio.run(main())
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = [psutil.Process(int(pid)) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.kill()
    parent.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


def test_a_worker_that_must_go_is_killed_not_asked():
    process = multiprocessing.get_context("spawn").Process(target=pool_tasks.stubborn, daemon=True)
    process.start()
    time.sleep(0.5)  # its SIGTERM handler is set
    began = time.monotonic()
    assert end(process) == -9
    assert time.monotonic() - began < 2


def test_whatever_a_task_raises_or_returns_fails_that_task_only():
    calls = {
        "StopIteration": (pool_tasks.first_headline, []),  # the fault seen: the pool hung for good
        "StopAsyncIteration: raised by a page": (pool_tasks.raise_builtin, "StopAsyncIteration"),
        "GeneratorExit: raised by a page": (pool_tasks.raise_builtin, "GeneratorExit"),
        "KeyboardInterrupt: raised by a page": (pool_tasks.raise_builtin, "KeyboardInterrupt"),
        "SystemExit: raised by a page": (pool_tasks.raise_builtin, "SystemExit"),
        "HoldsLambda: kept a callback": (pool_tasks.raise_unpicklable,),
        "TwoArguments: lost and on the way": (pool_tasks.raise_unreadable,),
        "could not read the worker's answer: TypeError": (pool_tasks.unreadable_result,),
        "ValueError: log line xxx": (pool_tasks.raise_huge, 20_000_000),
    }

    async def scenario():
        pool = await started(1)
        try:
            pid = await pool.run(pool_tasks.whoami)
            answers = asyncio.gather(*(pool.run(*call) for call in calls.values()), return_exceptions=True)
            errors = await asyncio.wait_for(answers, 10)
            assert await pool.run(pool_tasks.whoami) == pid  # the same worker: none died
        finally:
            await pool.close()
        return errors

    errors = asyncio.run(scenario())
    assert [type(e) for e in errors] == [TaskFailed] * len(calls)
    assert [str(e)[: len(start)] for e, start in zip(errors, calls, strict=True)] == list(calls)
    remote = [e for e in errors if "could not read" not in str(e)]  # that one failed here, in the parent
    assert all(isinstance(e.__cause__, RemoteTraceback) for e in remote) and len(remote) == len(calls) - 1
    assert "next(iter(headlines))" in str(errors[0].__cause__)
    huge = errors[-1]
    assert len(str(huge)) < 1_100 and len(str(huge.__cause__)) < 21_000 and "characters cut" in str(huge)


def test_a_task_over_the_time_limit_is_killed_and_its_worker_s_other_tasks_still_run():
    crashes = []

    async def scenario():
        pool = await started(1, task_timeout=0.5, on_crash=crashes.append)
        try:
            first = pool.workers[0].process
            began = time.monotonic()
            stuck = pool.run(pool_tasks.whoami, 60)
            behind = [pool.run(pool_tasks.whoami, 0.01) for _ in range(3)]  # one waits in its socket
            results = await asyncio.gather(stuck, *behind, return_exceptions=True)
            elapsed = time.monotonic() - began
        finally:
            await pool.close()
        return first, results, elapsed

    first, results, elapsed = asyncio.run(scenario())
    assert isinstance(results[0], TaskTimeout) and "0.5 s" in str(results[0])
    assert first.exitcode == -9 and 0.5 <= elapsed < 5
    assert all(isinstance(pid, int) and pid != first.pid for pid in results[1:])  # run by its replacement
    assert crashes == []  # a timeout is counted by the caller, not as a crash


def test_the_time_limit_counts_from_the_task_s_start_not_its_submission():
    async def scenario():
        pool = await started(1, task_timeout=0.5)
        try:
            began = time.monotonic()
            pids = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.25) for _ in range(4)))
            return pids, time.monotonic() - began
        finally:
            await pool.close()

    pids, elapsed = asyncio.run(scenario())
    assert len(set(pids)) == 1 and elapsed > 0.9  # the last one waited 0.75 s, ran 0.25 s


def test_a_task_whose_worker_died_runs_again_on_another(tmp_path):
    crashes = []

    async def scenario():
        pool = await started(1, on_crash=crashes.append)
        try:
            first = pool.workers[0].process.pid
            results = await asyncio.gather(
                pool.run(pool_tasks.die_once, str(tmp_path / "died")), pool.run(pool_tasks.whoami)
            )
        finally:
            await pool.close()
        return first, results

    first, results = asyncio.run(scenario())
    assert crashes == [-9] and results[0] == results[1] != first


def test_a_task_that_kills_every_worker_fails_after_its_retry_and_the_pool_goes_on():
    crashes = []

    async def scenario():
        pool = await started(2, on_crash=crashes.append)
        try:
            died = await _outcome(pool.run(pool_tasks.die))
            began = time.monotonic()
            while sum(w.ready for w in pool.workers) < 2 and time.monotonic() - began < 10:
                await asyncio.sleep(0.05)  # both replacements up: the tasks below spread over them
            pids = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.05) for _ in range(10)))
            return died, pids, {w.process.pid for w in pool.workers}
        finally:
            await pool.close()

    died, pids, workers = asyncio.run(scenario())
    assert isinstance(died, WorkerCrashed) and "2 with this task" in str(died)
    assert crashes == [-9, -9] and set(pids) == workers and len(workers) == 2


def test_a_worker_that_fails_to_start_once_is_started_again(tmp_path):
    crashes = []

    async def scenario():
        initializer = functools.partial(pool_tasks.fail_first_start, str(tmp_path / "failed"))
        pool = await started(2, initializer=initializer, on_crash=crashes.append)
        try:
            pids = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.05) for _ in range(4)))
            began = time.monotonic()
            while sum(w.ready for w in pool.workers) < 2 and time.monotonic() - began < 10:
                await asyncio.sleep(0.05)  # the retried start, after START_BACKOFF_S
            later = await asyncio.gather(*(pool.run(pool_tasks.whoami, 0.2) for _ in range(4)))
            return pids, later
        finally:
            await pool.close()

    pids, later = asyncio.run(scenario())
    assert crashes == [3] and len(pids) == 4  # the healthy worker ran them meanwhile
    assert len(set(later)) == 2


def test_close_kills_a_worker_stuck_in_a_task():
    async def scenario():
        pool = await started(2, task_timeout=None, close_timeout=0.5)
        stuck = asyncio.ensure_future(pool.run(pool_tasks.whoami, 60))
        assert await pool.run(pool_tasks.echo, 1) == 1
        processes = [w.process for w in pool.workers]
        began = time.monotonic()
        await pool.close()
        return await _outcome(stuck), processes, time.monotonic() - began

    error, processes, elapsed = asyncio.run(scenario())
    assert isinstance(error, BrokenPool) and "closed before this task finished" in str(error)
    assert elapsed < 2 and not any(p.is_alive() for p in processes)


def test_a_parent_that_exits_without_closing_the_pool_kills_its_busy_workers():
    script = textwrap.dedent(
        """
        import asyncio
        from pipelines.workerpool import WorkerPool
        from tests.pipelines import pool_tasks

        async def main():
            pool = WorkerPool(2, task_timeout=None)
            await pool.start()
            await pool.run(pool_tasks.whoami)
            print(*(w.process.pid for w in pool.workers), flush=True)
            for _ in range(4):
                asyncio.ensure_future(pool.run(pool_tasks.whoami, 60))
            await asyncio.sleep(0.3)  # both busy; then the loop stops, as at a second Ctrl-C

        asyncio.run(main())
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = [psutil.Process(int(pid)) for pid in parent.stdout.readline().split()]
    try:
        assert parent.wait(timeout=10) == 0  # the pool before this fix hung here for good
    finally:
        parent.kill()
    _, alive = psutil.wait_procs(workers, timeout=5)
    assert len(workers) == 2 and not alive


async def _outcome(awaitable):
    try:
        return await awaitable
    except Exception as exc:
        return exc
