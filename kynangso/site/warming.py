"""Kernels started in the background for visitors who already have their (cached) page.

A visitor served from the page cache gets a fresh kernel id at once; the kernel behind it
is started here, a few at a time so a burst does not thrash the machine, and runs the
lesson so its widgets exist under the ids the page already names. The kernel's websocket
waits on ``wait`` until that is done. A start that fails is logged and cleaned up; a
visitor who leaves before their kernel is up gets it shut down as soon as it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

Starter = Callable[[str], Awaitable[None]]


class Warming:
    def __init__(self, parallel: int, log: logging.Logger):
        self.parallel = max(1, parallel)
        self.log = log
        self._slots: asyncio.Semaphore | None = None
        self._done: dict[str, asyncio.Event] = {}
        self._abandoned: set[str] = set()
        self._tasks: set[asyncio.Task] = set()

    @property
    def pending(self) -> set[str]:
        """Kernel ids promised to visitors whose kernel has not finished warming."""
        return set(self._done)

    def start(self, kernel_id: str, starter: Starter, km) -> None:
        """Register ``kernel_id`` now (it counts against the cap at once) and warm it later."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.parallel)
        self._done[kernel_id] = asyncio.Event()
        task = asyncio.ensure_future(self._warm(kernel_id, starter, km))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _warm(self, kernel_id: str, starter: Starter, km) -> None:
        try:
            async with self._slots:
                if kernel_id not in self._abandoned:
                    await starter(kernel_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            if kernel_id in self._abandoned:  # its visitor left and it was shut down under it
                self.log.info("Kernel %s stopped while warming: its visitor left", kernel_id)
            else:
                self.log.exception("Background start of kernel %s failed", kernel_id)
            await self._shutdown(km, kernel_id)
        finally:
            if kernel_id in self._abandoned:
                self._abandoned.discard(kernel_id)
                await self._shutdown(km, kernel_id)
            # Only now: a request waiting for this kernel must find it up, or gone.
            self._done.pop(kernel_id).set()

    async def _shutdown(self, km, kernel_id: str) -> None:
        if kernel_id not in km:
            return
        try:
            await km.shutdown_kernel(kernel_id)
        except Exception:
            self.log.exception("Could not shut down kernel %s", kernel_id)

    def abandon(self, kernel_id: str) -> bool:
        """The visitor left: shut the kernel down once warming ends. False if not warming."""
        if kernel_id not in self._done:
            return False
        self._abandoned.add(kernel_id)
        return True

    async def wait(self, kernel_id: str, timeout: float) -> None:
        """Until ``kernel_id`` has finished warming, at most ``timeout`` seconds."""
        done = self._done.get(kernel_id)
        if done is None:
            return
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except asyncio.TimeoutError:
            self.log.warning("Kernel %s still warming after %s s", kernel_id, timeout)

    def cancel_all(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
