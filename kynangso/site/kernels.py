"""Kernel policy for the resident site: count the kernels visitors hold, refuse past a cap.

Voila wraps this class with its own pre-heated pool (``voila_kernel_manager_factory``), so
the pool, the culler (jupyter_server's ``cull_idle_timeout``) and the cap all live on one
kernel manager. Kernels waiting in the pool are not counted against the cap: they are
bounded by the pool size and exist precisely so that visitors do not wait. Kernels still
warming in the background for a visitor who got a cached page (``warming.py``) are counted.

Every kernel starts with ``stable_ids`` installed, so the same lesson creates the same
widget model ids in every kernel: that is what lets one kernel's page serve another.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Int

from kynangso.site import stable_ids
from kynangso.site.warming import Warming


class LessonKernelManager(AsyncMappingKernelManager):
    max_visitor_kernels = Int(
        40, config=True,
        help="Most kernels visitors may hold at once; past it, new visitors get a 'busy' page.",
    )

    max_parallel_starts = Int(
        2, config=True,
        help="Most kernels started at once in the background for visitors served a cached page.",
    )
    warm_wait_seconds = Float(
        60, config=True,
        help="How long a visitor's websocket waits for their kernel to finish warming.",
    )

    #: Visitors past the cap check whose kernel Voila has not registered yet; counting them
    #: keeps a burst of simultaneous visitors from all passing the check at once.
    admitting = 0

    _warming: Warming | None = None

    @property
    def warming(self) -> Warming:
        if self._warming is None:
            self._warming = Warming(self.max_parallel_starts, self.log)
        return self._warming

    async def start_kernel(self, *args, **kwargs):
        """Every Python kernel gets deterministic comm ids and a seeded ``random``."""
        if self._is_python(kwargs.get("kernel_name")):
            kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", ()), *stable_ids.kernel_arguments()]
        return await super().start_kernel(*args, **kwargs)

    def _is_python(self, kernel_name: str | None) -> bool:
        try:
            spec = self.kernel_spec_manager.get_kernel_spec(kernel_name or self.default_kernel_name)
        except Exception:  # noqa: BLE001 (an unknown kernel fails later, with jupyter's message)
            return False
        return spec.language.lower() == "python"

    async def wait_until_warm(self, kernel_id: str) -> None:
        """Hold a request for a kernel still warming (bounded by ``warm_wait_seconds``)."""
        await self.warming.wait(kernel_id, self.warm_wait_seconds)

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        """A visitor leaving before their kernel is registered: shut it down once it is."""
        if self.warming.abandon(kernel_id) and kernel_id not in self:
            return None
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    async def shutdown_all(self, *args, **kwargs):
        self.warming.cancel_all()
        return await super().shutdown_all(*args, **kwargs)

    def pooled_kernel_ids(self) -> set[str]:
        """Kernels started by the pre-heated pool and not yet handed to a visitor."""
        pooled = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    pooled.add(task.result()["kernel_id"])
        return pooled

    def visitor_kernel_count(self) -> int:
        kernels = set(self.list_kernel_ids()) | self.warming.pending
        return len(kernels - self.pooled_kernel_ids())

    def at_capacity(self) -> bool:
        """True when serving one more visitor would pass the cap.

        A visitor who takes a pooled kernel moves it from the pool to the visitors, so
        serving costs one visitor kernel whether or not the pool had one ready.
        """
        return self.visitor_kernel_count() + self.admitting >= self.max_visitor_kernels
