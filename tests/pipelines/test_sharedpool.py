"""One cleaning pool per process (pipelines/sharedpool.py): leases, their crash counts, one pool a harvest."""

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site
from crawler.profiles import PROFILES
from pipelines import runstats, sharedpool
from pipelines.sharedpool import PoolConfig, acquire_pool
from tests.pipelines import pool_tasks

ROOT = Path(__file__).resolve().parents[2]
CONFIG = PoolConfig(2, task_timeout=30)


def test_crawls_lease_one_pool_and_the_last_release_closes_it():
    async def scenario():
        before = sharedpool.POOLS_STARTED
        first, second = await asyncio.gather(acquire_pool(CONFIG), acquire_pool(CONFIG))  # both at once
        shared = first.pool
        pids = set(await asyncio.gather(*(second.run(pool_tasks.whoami, 0.05) for _ in range(6))))
        await first.release()
        still_open = not shared.closing and await second.run(pool_tasks.echo, "ok") == "ok"
        await second.release()
        return sharedpool.POOLS_STARTED - before, shared is second.pool, pids, still_open, shared.closed

    started, same, pids, still_open, closed = asyncio.run(scenario())
    assert (started, same, still_open, closed) == (1, True, True, True)
    assert len(pids) <= CONFIG.size


def test_another_configuration_gets_its_own_pool_and_a_new_pool_follows_a_closed_one():
    async def scenario():
        a, b = await acquire_pool(CONFIG), await acquire_pool(PoolConfig(1, task_timeout=30))
        distinct = a.pool is not b.pool
        old = a.pool
        await a.release()
        await b.release()
        c = await acquire_pool(CONFIG)
        renewed = c.pool is not old
        await c.release()
        return distinct, renewed

    assert asyncio.run(scenario()) == (True, True)


def test_a_worker_death_is_counted_by_the_crawl_whose_task_it_ran():
    deaths = {"a": [], "b": []}

    async def scenario():
        a = await acquire_pool(CONFIG, on_crash=deaths["a"].append)
        b = await acquire_pool(CONFIG, on_crash=deaths["b"].append)
        try:
            outcome = await asyncio.gather(a.run(pool_tasks.die), return_exceptions=True)
            assert await b.run(pool_tasks.echo, 1) == 1  # b goes on, on the replaced workers
            return type(outcome[0]).__name__
        finally:
            await a.release()
            await b.release()

    assert asyncio.run(scenario()) == "WorkerCrashed"
    assert deaths == {"a": [-9, -9], "b": []}  # the task and its one retry: both a's


def test_a_release_is_counted_once():
    async def scenario():
        a, b = await acquire_pool(CONFIG), await acquire_pool(CONFIG)
        await a.release()
        await a.release()  # a second close_spider must not close b's pool
        alive = not b.pool.closing
        await b.release()
        return alive

    assert asyncio.run(scenario()) is True


# --- a harvest in one process ----------------------------------------------------------------------------

COUNTING_HARVEST = """
import sys
import pipelines.sharedpool as sharedpool
import pipelines.workerpool as workerpool
from crawler.cli import main

starts = []
start_worker = workerpool.start_worker
workerpool.start_worker = lambda *args: starts.append(1) or start_worker(*args)
status = main(sys.argv[1:])
print("pools started:", sharedpool.POOLS_STARTED, "workers started:", len(starts))
sys.exit(status)
"""


@pytest.mark.slow
def test_a_harvest_of_every_site_starts_one_pool_of_its_workers(tmp_path):
    archive = tmp_path / "fixture-site.warc.gz"
    pack_fixture_site(DEFAULT_MANIFEST, archive)
    db = tmp_path / "pool.sqlite3"
    argv = [
        "harvest",
        "--workers",
        "2",
        "--database-url",
        f"sqlite:///{db}",
        "-s",
        f"KZNEWS_REPLAY={archive}",
    ]
    result = subprocess.run(
        [sys.executable, "-c", COUNTING_HARVEST, *argv], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert "pools started: 1 workers started: 2" in result.stdout, result.stderr[-4000:]
    with sqlite3.connect(db) as connection:
        runs = connection.execute(
            "SELECT s.name, r.stats FROM crawl_runs r JOIN sites s ON s.id = r.site_id ORDER BY s.name"
        ).fetchall()
        stored = dict(
            connection.execute(
                "SELECT s.name, count(*) FROM articles a JOIN sites s ON s.id = a.site_id GROUP BY s.name"
            )
        )
    assert [name for name, _ in runs] == sorted(PROFILES)  # one run row per site ...
    cleaned = {name: json.loads(stats).get(runstats.CLEANED, 0) for name, stats in runs}
    assert stored["kazinform"] and stored["tengrinews"]
    assert {name: cleaned[name] for name in stored} == stored  # ... each counting its own pages
