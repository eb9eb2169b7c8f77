"""pyHanko's synchronous API runs its coroutines with asyncio.run(), which refuses to run
inside a thread that already has a running event loop (an ASGI server's, Playwright's in
tests). `outside_event_loop` runs such a call in a short-lived thread of its own then."""

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor


def outside_event_loop(func):
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return func(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(func, *args, **kwargs).result()

    return wrapped
