"""Fixtures for the widget tests: a private home for the lab's training CA, and the
resident site started once for the browser tests.

The site runs with no kernel pool (``--pool-size 0``): each lesson page gets its own fresh
kernel on demand, as a resident's phone would, and no kernel is warmed for nobody.
"""

from __future__ import annotations

import pytest

from kynangso.widgets.lab_ca import ENV_DIRECTORY
from tests.site.conftest import REAL_COURSES, start_site


@pytest.fixture(scope="session", autouse=True)
def lab_ca_directory(tmp_path_factory):
    """Tests never touch the real cache: the lab's shared CA (and the site's kernels,
    which inherit the environment) use a temporary folder."""
    directory = tmp_path_factory.mktemp("lab-ca") / "ca"
    patch = pytest.MonkeyPatch()
    patch.setenv(ENV_DIRECTORY, str(directory))
    yield directory
    patch.undo()


@pytest.fixture(scope="session")
def lesson_site(tmp_path_factory, lab_ca_directory):
    with start_site(tmp_path_factory.mktemp("widget-site"), REAL_COURSES, "--pool-size", "0") as site:
        yield site
