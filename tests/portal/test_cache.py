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

