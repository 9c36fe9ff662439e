import asyncio
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from pipelines.workerpool import BrokenPool, RemoteTraceback, WorkerCrashed, WorkerPool, _end
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
        pool = await started(2, on_crash=crashes.append)
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
    assert _end(process) == -9
    assert time.monotonic() - began < 2
