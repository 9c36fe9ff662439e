"""What distributed mode keeps in Redis: the keys, atomic worker-registry steps, requests as plain JSON."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from importlib import import_module
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
# Dataclasses (profile sources in cb_kwargs) are rebuilt from the queue only from these packages.
DECODABLE_MODULES = ("crawler.", "pipelines.")
# Scrapy's request_from_dict() imports the "_class" a subclassed request names, so it is vetted here too.
REQUEST_CLASS_MODULES = ("scrapy.http.", *DECODABLE_MODULES)
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
    """JSON for a ``Request.to_dict()``: bytes base64'd, tuples and dataclasses tagged; no pickle.

    Raises:
        TypeError: naming the path of a value that is not plain data (e.g. ``request['meta']['x']``).
    """
    return json.dumps(
        _to_plain(obj, "request"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def loads(data: bytes | str) -> Any:
    """The inverse of :func:`dumps`.

    Raises:
        ValueError: when the data names a class outside the project (or Scrapy's requests) to build.
    """
    obj = _from_plain(json.loads(data))
    request_class = obj.get("_class") if isinstance(obj, dict) else None
    if request_class is not None and not (
        isinstance(request_class, str) and request_class.startswith(REQUEST_CLASS_MODULES)
    ):
        raise ValueError(f"refusing request class {request_class!r} from the Redis queue")
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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {
            f.name: _to_plain(getattr(value, f.name), f"{path}.{f.name}")
            for f in dataclasses.fields(value)
            if f.init
        }
        return {_MARK: "dataclass", "class": f"{cls.__module__}.{cls.__qualname__}", "fields": fields}
    raise TypeError(
        f"{path} is a {type(value).__name__}: the Redis queue holds plain data, bytes, tuples, dataclasses"
    )


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
    if kind == "dataclass":
        cls = _project_dataclass(value["class"])
        return cls(**{k: _from_plain(v) for k, v in value["fields"].items()})
    raise ValueError(f"unknown tag {kind!r} in the Redis queue")


def _project_dataclass(path: Any) -> type:
    """The dataclass defined at ``path`` (module.QualName) in a DECODABLE_MODULES module.

    Whoever can write to Redis chooses ``path``: nothing outside the project is imported, and a name a
    project module merely imports from elsewhere (``crawler.x.SomeLibraryClass``) is refused as well.
    """
    if not (isinstance(path, str) and path.startswith(DECODABLE_MODULES)):
        raise ValueError(f"refusing to rebuild {path} from the Redis queue: not under {DECODABLE_MODULES}")
    module_name, _, name = path.rpartition(".")
    cls = getattr(import_module(module_name), name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"{path} in the Redis queue is not a dataclass")
    if f"{cls.__module__}.{cls.__qualname__}" != path:
        raise ValueError(f"refusing to rebuild {path} from the Redis queue: defined in {cls.__module__}")
    return cls
