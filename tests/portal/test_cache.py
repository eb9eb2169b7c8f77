"""portal.cache.RedisCache: Django's Redis cache, one client object per pool, on a real Redis."""

import threading

import pytest
from django.conf import settings

from portal.cache import RedisCache


@pytest.fixture
def redis_cache():
    cache = RedisCache(settings.TEST_REDIS_URL, {"KEY_PREFIX": "test-portal-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_operations_share_one_client(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    assert redis_cache.add("b", 0, 30) and not redis_cache.add("b", 0, 30)
    assert redis_cache.incr("b") == 1
    assert redis_cache.get("a") == {"x": 1} and redis_cache.get_many(["a", "b", "c"]) == {"a": {"x": 1}, "b": 1}
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("another key") is client


def test_threads_share_the_client_safely(redis_cache):
    redis_cache.set("counter", 0, 30)
    errors = []

    def work():
        try:
            for _ in range(200):
                redis_cache.incr("counter")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and redis_cache.get("counter") == 800


def test_incr_is_one_atomic_step_and_refuses_a_missing_key(redis_cache):
    with pytest.raises(ValueError):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None  # not created by the refused increment
    redis_cache.set("n", 5, 30)
    assert redis_cache.incr("n") == 6 and redis_cache.incr("n", 10) == 16 and redis_cache.decr("n", 6) == 10
    client = redis_cache._cache.get_client()
    assert 0 < client.ttl(redis_cache.make_key("n")) <= 30  # the timeout is kept


def test_django_ratelimit_counts_through_it(redis_cache, rf, settings):
    from django_ratelimit.core import get_usage

    settings.CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": settings.TEST_REDIS_URL,
                                   "KEY_PREFIX": "test-portal-cache"}}
    settings.RATELIMIT_USE_CACHE = "default"
    request = rf.get("/", REMOTE_ADDR="10.0.0.7")
    counts = [get_usage(request, group="test", key="ip", rate="3/m", increment=True)["count"] for _ in range(4)]
    assert counts == [1, 2, 3, 4]
    assert get_usage(request, group="test", key="ip", rate="3/m", increment=False)["should_limit"]
