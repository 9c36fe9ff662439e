"""Loopback services for tests (PostgreSQL, Redis): skip when absent, fail instead when they are required.

Set ``KZNEWS_REQUIRE_SERVICES=1`` (CI) to turn a missing service into a failure rather than a skip.
"""

from __future__ import annotations

import functools
import getpass
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REQUIRE_SERVICES_ENV = "KZNEWS_REQUIRE_SERVICES"
POSTGRES_URL_ENV = "KZNEWS_TEST_POSTGRES_URL"
REDIS_URL_ENV = "KZNEWS_TEST_REDIS_URL"
# Trust auth on loopback: the "postgres" role first, then a role named like the current user.
POSTGRES_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    f"postgresql+psycopg://{getpass.getuser()}@127.0.0.1:5432/test",
)
REDIS_DEFAULT_URL = "redis://127.0.0.1:6379/0"
CONNECT_TIMEOUT_S = 3


def services_required() -> bool:
    """True when a missing service must fail the test run."""
    return os.environ.get(REQUIRE_SERVICES_ENV) == "1"


def shown_url(url: str) -> str:
    """``url`` with its password masked: what a skip or failure reason may print."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def _unavailable(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_SERVICES_ENV}=1)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def _find_postgres(candidates: tuple[str, ...]) -> tuple[str | None, str]:
    from sqlalchemy import create_engine, text

    errors = []
    for url in candidates:
        engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:  # any driver or network error means "not reachable"
            errors.append(f"{shown_url(url)}: {type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    return None, "; ".join(errors)


def require_postgres_url() -> str:
    """URL of the test PostgreSQL database; skips (or fails under KZNEWS_REQUIRE_SERVICES=1) if absent."""
    override = os.environ.get(POSTGRES_URL_ENV)
    url, error = _find_postgres((override,) if override else POSTGRES_CANDIDATES)
    if url is None:
        hint = f"from {POSTGRES_URL_ENV}" if override else f"the defaults; set {POSTGRES_URL_ENV} for another"
        _unavailable(f"PostgreSQL not reachable ({hint}): {error}")
    return url  # type: ignore[return-value]


@functools.cache
def _find_redis(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S).ping()
    except Exception as exc:  # any client or network error means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return ""


def require_redis_url() -> str:
    """URL of the test Redis server; skips (or fails under KZNEWS_REQUIRE_SERVICES=1) if absent."""
    url = os.environ.get(REDIS_URL_ENV) or REDIS_DEFAULT_URL
    error = _find_redis(url)
    if error:
        hint = (
            f"from {REDIS_URL_ENV}" if os.environ.get(REDIS_URL_ENV) else f"set {REDIS_URL_ENV} for another"
        )
        _unavailable(f"Redis not reachable at {shown_url(url)} ({hint}): {error}")
    return url


def require_shared(path: Path) -> Path:
    """``path`` under ../shared (benchmarks, research pages); skips without it, or fails under
    KZNEWS_REQUIRE_SERVICES=1: CI must not pass a quality gate by skipping it."""
    if not path.exists():
        _unavailable(f"shared test material not found at {path} (clone the project beside its shared/)")
    return path
