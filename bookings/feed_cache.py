"""Answer a repeat poll of a personal feed from the cache alone (issue 5: speed).

Calendar apps poll the same URL again and again, and almost every time
nothing has changed. The first poll of a feed takes the full path (the feed
row, the version query, a render or a cached body) and leaves a small *state*
in the shared cache under the secret's hash: which cached body answers it,
and the feed *generation* it was read under. A repeat poll reads, in one Redis
round trip, the rate-limit counters, that state and the current generation;
when the generations match it sends the cached body and touches no database.

The generation is one shared number that every write a feed could show
replaces (`bump`, wired in `bookings.signals`: bookings, seats, workshops and
their leaders, time off, counsellors, session types, topics, feeds, users,
site settings and crisis lines; the few bulk `.update()` paths call it
themselves). One number for all feeds keeps invalidation simple and safe: a
write anywhere sends every feed's next poll down the full path once, which
costs two small queries and, for the feeds whose data did not change, no
render (their bodies are cached under their own data version). Revoking or
rotating a feed bumps it too, so an old link answers 404 at once.

A state lives `STATE_SECONDS`, so the full path (which records the feed's
last access, hourly) still runs a few times an hour for a polled feed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache, caches

from bookings import versions as version_numbers

GEN_KEY = "calendar:feed:gen"
# Names and texts every feed shows beside its own rows (counsellors, session
# types, topics, crisis lines): part of each body's cache key, so renaming a
# counsellor re-renders the feeds instead of serving the old name for an hour.
LABELS_KEY = "calendar:feed:labels"
STATE_SECONDS = 15 * 60


def _state_key(secret_hash: str) -> str:
    return f"calendar:feed:state:{secret_hash}"


def bump() -> None:
    """Retire every feed's state: something a feed may show has changed."""
    version_numbers.bump(GEN_KEY)


def bump_labels() -> None:
    version_numbers.bump(LABELS_KEY)


def labels_version() -> int:
    return version_numbers.read(LABELS_KEY)


def ensure_generation(current: int | None) -> int:
    """The generation to store a state under; read before the database is."""
    return current if current is not None else version_numbers.read(GEN_KEY)


@dataclass(frozen=True)
class Poll:
    ip_misses: int
    secret_count: int
    state: tuple | None
    generation: int | None

    def body_key(self) -> str | None:
        """The cache key of the body that answers this poll, if still current."""
        if self.state is None or self.generation is None:
            return None
        generation, key = self.state
        return key if generation == self.generation else None


def _redis():
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def pipelined(keys: list[str], counter_key: str, ttl: int) -> tuple[int, dict] | None:
    """INCR + EXPIRE the counter and MGET the keys in one Redis round trip;
    None when the cache is not Redis or Redis is away (see portal.cache_backends)."""
    from portal import cache_backends

    backend = _redis()
    if backend is None or not cache_backends.available(backend):
        return None
    try:
        full = [backend.make_and_validate_key(k) for k in keys]
        counter = backend.make_and_validate_key(counter_key)
        client = backend._cache.get_client(counter, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(counter)
        pipe.expire(counter, ttl)
        if full:
            pipe.mget(full)
        count, _expire, *rest = pipe.execute()
        values = rest[0] if full else []
    except cache_backends.redis_errors() as exc:
        cache_backends.report_failure(backend, exc)
        return None
    loads = backend._cache._serializer.loads
    return int(count), {k: loads(v) for k, v in zip(keys, values, strict=True)
                        if v is not None}


def count(key: str, ttl: int) -> int:
    """Add one to the counter at `key` (expiring `ttl` seconds after the last
    count) and return it: one round trip on Redis."""
    piped = pipelined([], key, ttl)
    return piped[0] if piped is not None else count_slowly(key, ttl)


def count_slowly(key: str, ttl: int) -> int:
    """`count` through Django's cache API, for other backends and outages."""
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr, or no cache at all
        cache.set(key, 1, ttl)
        return 1


def poll(*, secret_hash: str, ip_key: str, secret_key: str, ttl: int) -> Poll:
    """Count the poll against the secret's rate bucket and read the per-IP miss
    count, the feed's state and the generation: one round trip on Redis."""
    keys = [ip_key, _state_key(secret_hash), GEN_KEY]
    piped = pipelined(keys, secret_key, ttl)
    if piped is not None:
        secret_count, found = piped
    else:
        found = cache.get_many(keys)
        secret_count = count_slowly(secret_key, ttl)
    state = found.get(keys[1])
    return Poll(
        ip_misses=int(found.get(ip_key) or 0),
        secret_count=secret_count,
        state=state if isinstance(state, tuple) and len(state) == 2 else None,
        generation=found.get(GEN_KEY),
    )


def remember(*, secret_hash: str, generation: int, key: str) -> None:
    """After a full-path answer: let repeats of this poll skip the database."""
    if key:
        cache.set(_state_key(secret_hash), (generation, key), STATE_SECONDS)
