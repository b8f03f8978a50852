"""The lesson page carries its widgets' state, so a phone draws them without asking.

Voila's front end asks the kernel for every widget's state once the page has loaded: on
3G that is one more exchange after the websocket opens, with ~75 kB of JSON. The site
instead appends one hidden cell to each lesson it renders (this preprocessor, configured
in site/voila.json); the cell runs last in the same kernel and displays the state of
every widget the lesson made (``widget_state.display_state``), which the template writes
into the page. The page's front end builds the widgets from it at once and needs the
kernel only for clicks.
"""

from __future__ import annotations

import nbformat
from nbconvert.preprocessors import Preprocessor

STATE_TAG = "kns-widget-state"
STATE_SOURCE = (
    "import kynangso.site.widget_state as _kns_state\n"
    "_kns_state.display_state()\n"
    "del _kns_state"
)


class AppendWidgetState(Preprocessor):
    """Add the state cell at the end of the lesson."""

    def preprocess(self, nb, resources):
        nb.cells.append(nbformat.v4.new_code_cell(STATE_SOURCE, metadata={"tags": [STATE_TAG]}))
        return nb, resources
