"""Deterministic widget ids and random data inside a lesson kernel.

The site can send a visitor a lesson page rendered by another kernel and start the
visitor's own kernel afterwards. That only works if running the lesson in any kernel
creates its widgets with the same model ids (a widget's model id is its comm id) and the
same invented data. This module runs inside the kernel at start-up (``exec_lines``) and
gives the comm packages a seeded id generator and ``random`` a fixed seed.

Only comm ids are made deterministic: message ids, session ids and kernel ids keep using
the real ``uuid4`` (kernel ids are chosen by the server and stay unguessable).
"""

from __future__ import annotations

import random
import types
import uuid

SEED = 20_260_101


def exec_line() -> str:
    """The IPython start-up line that installs this module (leaves no name behind)."""
    return f"__import__({__name__!r}).site.stable_ids.install()"


def kernel_arguments() -> list[str]:
    """Extra ipykernel command-line arguments that run ``exec_line`` at start-up."""
    return [f"--IPKernelApp.exec_lines={exec_line()}"]


def seeded_uuid_module(seed: int = SEED) -> types.SimpleNamespace:
    """A stand-in for the ``uuid`` module whose ``uuid4`` follows a seeded sequence."""
    rng = random.Random(seed)

    def uuid4() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    return types.SimpleNamespace(**{**vars(uuid), "uuid4": uuid4})


def install(seed: int = SEED) -> None:
    """Seed ``random`` and every module that makes comm ids (comm, ipykernel's old Comm)."""
    quiet_banner_tips()
    random.seed(seed)
    ids = seeded_uuid_module(seed)
    import comm.base_comm

    comm.base_comm.uuid = ids
    try:
        import ipykernel.comm.comm
    except ImportError:  # not in an ipykernel: nothing else makes comm ids
        return
    ipykernel.comm.comm.uuid = ids


def quiet_banner_tips() -> None:
    """IPython draws a random "Tip" for every kernel_info reply; clients send a varying
    number of those, which would shift ``random`` differently in every kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "enable_tip"):
        shell.enable_tip = False
