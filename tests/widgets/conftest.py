"""The resident site, started once for the browser tests of the widgets.

No kernel pool (``--pool-size 0``): each lesson page gets its own fresh kernel on demand,
as a resident's phone would, and the machine does not warm kernels nobody opens.
"""

from __future__ import annotations

import pytest

from tests.site.conftest import REAL_COURSES, start_site


@pytest.fixture(scope="session")
def lesson_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("widget-site"), REAL_COURSES, "--pool-size", "0") as site:
        yield site
