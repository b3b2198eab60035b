"""Running a library's own event loop (``asyncio.run``) from code that may already be inside one."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def outside_event_loop[T](work: Callable[[], T]) -> T:
    """Run ``work`` here, or — when this thread's event loop is already running (an ASGI server, a test driving
    a browser) — in a short-lived thread of its own, where ``asyncio.run`` is allowed."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
