"""Run pyHanko's coroutines from ordinary functions, also inside Jupyter.

pyHanko's synchronous wrappers call ``asyncio.run``, which refuses to start while an
event loop is already running — and a Jupyter or Voila kernel always has one running
when a cell or a widget callback executes. So we drive the coroutine ourselves: directly
when no loop is running, otherwise on a short-lived worker thread with its own loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of ``coroutine``, whether or not this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
