"""Crawl-process CPU per task: pipelines.workerpool.WorkerPool against concurrent.futures.ProcessPoolExecutor.

Run from the repo root: ``.venv/bin/python -m bench.worker_pool [--tasks 5000] [--workers 2]``. Each task
sends a page-sized body (113 kB, the bench/crawl.py mean) to a worker and gets 3 kB back, the shape of a
RawPage in and an Article out; at most 40 tasks are in flight, as the scraper's queue allows. The figure is
the calling process's CPU time per task (all its threads), which is what the crawl's process spends on
handing pages to its workers. pebble's ProcessPool (per-task timeouts, the usual library for them) is
measured too where it is installed (``pip install pebble``; not a kznews dependency). Compare the rows of
one run with each other: the machine's load moves them all.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from pipelines.workerpool import TASK_TIMEOUT_S, WorkerPool

try:
    import pebble
except ImportError:  # optional: compared only where installed
    pebble = None

BODY = b"x" * 113_000
IN_FLIGHT = 40


def head(body: bytes) -> bytes:
    """The task: a page in, an article-sized answer out."""
    return body[:3000]


async def _measure(submit, tasks: int) -> float:
    await asyncio.gather(*(submit(b"warm") for _ in range(10)))
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> bytes:
        async with slots:
            return await submit(BODY)

    began = time.process_time()
    await asyncio.gather(*(one() for _ in range(tasks)))
    return (time.process_time() - began) / tasks * 1e3


async def worker_pool(tasks: int, workers: int) -> float:
    """Parent CPU ms per task with WorkerPool (its default task time limit, TASK_TIMEOUT_S)."""
    pool = WorkerPool(workers)
    await pool.start()
    try:
        return await _measure(lambda body: pool.run(head, body), tasks)
    finally:
        await pool.close()


async def process_pool_executor(tasks: int, workers: int) -> float:
    """Parent CPU ms per task with ProcessPoolExecutor (spawn), awaited through asyncio.wrap_future."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return await _measure(lambda body: asyncio.wrap_future(pool.submit(head, body)), tasks)


async def pebble_process_pool(tasks: int, workers: int) -> float:
    """Parent CPU ms per task with pebble.ProcessPool (spawn) and the same time limit as WorkerPool."""
    with pebble.ProcessPool(workers, context=multiprocessing.get_context("spawn")) as pool:
        schedule = pool.schedule
        return await _measure(
            lambda body: asyncio.wrap_future(schedule(head, (body,), timeout=TASK_TIMEOUT_S)), tasks
        )


def main(argv: list[str] | None = None) -> None:
    """Print one figure per pool."""
    parser = argparse.ArgumentParser(prog="python -m bench.worker_pool", description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    pools = [("ProcessPoolExecutor", process_pool_executor)]
    if pebble is not None:
        pools.append((f"pebble {pebble.__version__}", pebble_process_pool))
    pools.append(("WorkerPool", worker_pool))
    for name, measure in pools:
        ms = asyncio.run(measure(args.tasks, args.workers))
        print(f"{name:20s} {ms:.3f} ms of the caller's CPU per 113 kB task ({args.tasks} tasks)")


if __name__ == "__main__":
    main()
