"""What distributed mode keeps in Redis: the keys, atomic worker-registry steps, requests as plain JSON."""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PREFIX_SETTING = "KZNEWS_REDIS_PREFIX"  # also the environment; one prefix per independent harvest (or test)
DEFAULT_PREFIX = "kznews"
# KEYS: workers, requests, dupefilter; ARGV: worker id, now, worker TTL, flush (1/0).
# Returns the other live workers; when none and asked, clears the crawl state in the same atomic step.
REGISTER_LUA = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
local others = redis.call('ZCARD', KEYS[1]) - 1
if others == 0 and ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
return others
"""
# KEYS: workers, requests, dupefilter, busy; ARGV: worker id, now, worker TTL, flush (1/0).
# Leaves the registry; the last one out clears the crawl state when asked, in the same atomic step.
LEAVE_LUA = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
local others = redis.call('ZCARD', KEYS[1])
if others == 0 and ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
return others
"""
# Request classes a queued request may name (``_class``); they are built without importing what the
# queue says. kznews's spiders queue plain Requests, which Request.to_dict() does not name at all.
ALLOWED_REQUEST_CLASSES = frozenset({"scrapy.Request", "scrapy.http.Request", "scrapy.http.request.Request"})
_MARK = "__kznews__"


class RedisKeys(NamedTuple):
    """The Redis keys of one spider's shared crawl state.

    ``requests`` is a sorted set (scrapy-redis's PriorityQueue), ``dupefilter`` a set of fingerprints,
    ``workers`` and ``busy`` sorted sets of worker ids by last heartbeat / last activity (Redis clock).
    """

    requests: str
    dupefilter: str
    workers: str
    busy: str


def redis_keys(settings: BaseSettings, spider_name: str) -> RedisKeys:
    """Keys under ``<prefix>:<spider>:`` (prefix: KZNEWS_REDIS_PREFIX setting, environment, or kznews)."""
    prefix = settings.get(PREFIX_SETTING) or os.environ.get(PREFIX_SETTING) or DEFAULT_PREFIX
    base = f"{prefix}:{spider_name}"
    if "%" in base:  # scrapy-redis %-formats the queue key (twice)
        raise ValueError(f"Redis key prefix {base!r} must not contain '%'")
    return RedisKeys(f"{base}:requests", f"{base}:dupefilter", f"{base}:workers", f"{base}:busy")


# --- requests as plain JSON ---------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    """JSON for a ``Request.to_dict()``: bytes base64'd, tuples and non-string-keyed dicts tagged; no pickle.

    Raises:
        TypeError: naming the path of a value that is not plain data (e.g. ``request['meta']['x']``).
    """
    return json.dumps(
        _to_plain(obj, "request"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def loads(data: bytes | str) -> Any:
    """The inverse of :func:`dumps`: plain data only, nothing the data names is imported.

    Raises:
        ValueError: for data that is not a queued request, or names a request class outside
            ALLOWED_REQUEST_CLASSES.
    """
    obj = _from_plain(json.loads(data))
    if not isinstance(obj, dict):
        raise ValueError(f"a queued request is a JSON object, not {type(obj).__name__}")
    request_class = obj.pop("_class", None)
    if request_class is not None and request_class not in ALLOWED_REQUEST_CLASSES:
        raise ValueError(f"refusing request class {str(request_class)[:80]!r} from the Redis queue")
    return obj


def _to_plain(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return {_MARK: "bytes", "b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_to_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {_MARK: "tuple", "items": [_to_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        if _MARK not in value and all(isinstance(k, str) for k in value):
            return {k: _to_plain(v, f"{path}[{k!r}]") for k, v in value.items()}
        items = [[_to_plain(k, path), _to_plain(v, f"{path}[{k!r}]")] for k, v in value.items()]
        return {_MARK: "dict", "items": items}
    raise TypeError(f"{path} is a {type(value).__name__}: the Redis queue holds plain data, bytes and tuples")


def _from_plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_MARK)
    if kind is None:
        return {k: _from_plain(v) for k, v in value.items()}
    if kind == "bytes":
        return base64.b64decode(value["b64"])
    if kind == "tuple":
        return tuple(_from_plain(v) for v in value["items"])
    if kind == "dict":
        return {_from_plain(k): _from_plain(v) for k, v in value["items"]}
    raise ValueError(f"unknown tag {kind!r} in the Redis queue")
