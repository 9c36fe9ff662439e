"""One cleaning WorkerPool per process, shared by every crawl in it: leased by reference count.

A harvest runs its sites' crawlers in one process; a pool each would start sites × workers processes (19
sites × 2 workers: 38 on 2 cores). The first crawl's ``acquire_pool`` starts the pool, the others lease the
same one (waiting for its start if it is under way), and the last ``release`` closes it. Crawls asking for
another size, niceness or time limit get a pool of their own: those are the pool's, not the task's.

Each lease keeps its crawl's accounting: a task's result or error goes back to the crawl that ran it, and a
worker dying on a task is reported to that crawl's ``on_crash``; the death of an idle or starting worker
goes to the crawl holding the pool longest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.workerpool import WorkerPool

POOLS_STARTED = 0
"""Pools this process has started (a harvest test checks it stays at one)."""


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """What makes two crawls' pools the same pool."""

    size: int
    initializer: Callable[[], None] | None = None
    nice: int = 0
    task_timeout: float | None = None


@dataclass(eq=False)
class _Shared:
    key: tuple[asyncio.AbstractEventLoop, PoolConfig]
    pool: WorkerPool
    starting: asyncio.Future[None]
    leases: list[PoolLease] = field(default_factory=list)

    def idle_crash(self, code: int | None) -> None:
        """A worker died outside any task: the longest-holding lease counts it."""
        if self.leases and self.leases[0].on_crash:
            self.leases[0].on_crash(code)


_SHARED: dict[tuple[asyncio.AbstractEventLoop, PoolConfig], _Shared] = {}


class PoolLease:
    """One crawl's hold on the shared pool: ``run`` as on the pool, ``release`` once when done."""

    def __init__(self, shared: _Shared, on_crash: Callable[[int | None], None] | None) -> None:
        self.shared = shared
        self.on_crash = on_crash

    @property
    def pool(self) -> WorkerPool:
        """The shared pool itself."""
        return self.shared.pool

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker of the shared pool (WorkerPool.run); a death on it is this lease's."""
        return await self.shared.pool.run(fn, *args, on_crash=self.on_crash)

    async def release(self) -> None:
        """Give the pool back; the last lease closes it (its tasks are done: each crawl awaits its own)."""
        shared = self.shared
        if self not in shared.leases:
            return
        shared.leases.remove(self)
        if not shared.leases:
            if _SHARED.get(shared.key) is shared:
                del _SHARED[shared.key]
            await shared.pool.close()


async def acquire_pool(config: PoolConfig, on_crash: Callable[[int | None], None] | None = None) -> PoolLease:
    """A lease on this process's pool for ``config`` on the running loop, started by the first lease.

    Raises:
        OSError: the pool could not start its workers (from WorkerPool.start).
    """
    global POOLS_STARTED
    key = (asyncio.get_running_loop(), config)
    shared = _SHARED.get(key)
    if shared is None:
        pool = WorkerPool(
            config.size, initializer=config.initializer, nice=config.nice, task_timeout=config.task_timeout
        )
        shared = _SHARED[key] = _Shared(key, pool, asyncio.ensure_future(pool.start()))
        pool.on_crash = shared.idle_crash
        POOLS_STARTED += 1
    lease = PoolLease(shared, on_crash)
    shared.leases.append(lease)
    try:  # shielded: a lease cancelled while it waits leaves the start to the others
        await asyncio.shield(shared.starting)
    except BaseException:
        await lease.release()
        raise
    return lease
