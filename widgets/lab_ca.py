"""The signature lab's training CA, shared by every lesson and every kernel on a machine.

A learner signs a document in one lesson and checks it in the next; each lesson page runs
in its own kernel. With a CA per kernel, their own document would come back "untrusted"
and teach the wrong lesson. So the lab's CA is made once and kept on disk. It holds no
learner data: only the training root and intermediate CA (keys mode 0600, certificates
marked training-only). Learners' own keys and documents never leave memory.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from kynangso.pki import TrainingCA

ENV_DIRECTORY = "KYNANGSO_LAB_CA"
# The intermediate CA lives 5 years and a learner's certificate 1: a CA made any time in a
# 4-year period still outlives every certificate issued in that period.
PERIOD_YEARS = 4


def lab_ca_directory(today: date | None = None) -> Path:
    """``$KYNANGSO_LAB_CA``, else a folder per period in the user's cache (XDG)."""
    configured = os.environ.get(ENV_DIRECTORY)
    if configured:
        return Path(configured)
    year = (today or date.today()).year
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "kynangso" / f"lab-training-ca-{year - year % PERIOD_YEARS}"


def shared_training_ca(directory: Path | None = None) -> TrainingCA:
    """The shared CA, made on first use; a private in-memory one if the disk says no.

    Two kernels may start at once: each builds a CA in a staging folder and renames it
    into place, which is atomic, so one wins and both then load the winner.
    """
    directory = lab_ca_directory() if directory is None else Path(directory)
    try:
        return TrainingCA.load(directory)
    except (OSError, ValueError):
        pass  # not made yet (or unreadable): make it below
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory.parent, prefix=".staging-ca-") as staging:
            TrainingCA.create(Path(staging) / "ca")
            try:
                os.rename(Path(staging) / "ca", directory)
            except OSError:
                pass  # another kernel was first
        return TrainingCA.load(directory)
    except (OSError, ValueError):
        with tempfile.TemporaryDirectory(prefix="kns-lab-") as scratch:
            return TrainingCA.create(scratch)
