"""Kernel policy for the resident site: count the kernels visitors hold, refuse past a cap.

Voila wraps this class with its own pre-heated pool (``voila_kernel_manager_factory``), so
the pool, the culler (jupyter_server's ``cull_idle_timeout``) and the cap all live on one
kernel manager. Kernels waiting in the pool are not counted against the cap: they are
bounded by the pool size and exist precisely so that visitors do not wait.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Int


class LessonKernelManager(AsyncMappingKernelManager):
    max_visitor_kernels = Int(
        40, config=True,
        help="Most kernels visitors may hold at once; past it, new visitors get a 'busy' page.",
    )

    #: Visitors past the cap check whose kernel Voila has not registered yet; counting them
    #: keeps a burst of simultaneous visitors from all passing the check at once.
    admitting = 0

    def pooled_kernel_ids(self) -> set[str]:
        """Kernels started by the pre-heated pool and not yet handed to a visitor."""
        pooled = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    pooled.add(task.result()["kernel_id"])
        return pooled

    def visitor_kernel_count(self) -> int:
        return len(set(self.list_kernel_ids()) - self.pooled_kernel_ids())

    def at_capacity(self) -> bool:
        """True when serving one more visitor would pass the cap.

        A visitor who takes a pooled kernel moves it from the pool to the visitors, so
        serving costs one visitor kernel whether or not the pool had one ready.
        """
        return self.visitor_kernel_count() + self.admitting >= self.max_visitor_kernels
