"""Runs inside a lesson kernel: display the state of every widget the lesson made.

The cell that ``embedded_state.AppendWidgetState`` adds to each lesson calls
``display_state``; the template writes its output into the page. Kept apart from the
preprocessor so that a kernel imports ipywidgets and nothing more (no nbconvert).
"""

from __future__ import annotations

STATE_MIME = "application/vnd.kynangso.widget-state+json"


def widget_state() -> dict:
    """Every live widget's state, as the widgets' control comm sends it ("update_states"),
    without default values; empty when some state is binary (an upload, an image), which
    the page then fetches from the kernel as usual."""
    from ipywidgets.widgets.widget import _instances, _remove_buffers

    states = {
        widget.model_id: {
            "model_name": widget._model_name,
            "model_module": widget._model_module,
            "model_module_version": widget._model_module_version,
            "state": widget.get_state(drop_defaults=True),
        }
        for widget in list(_instances.values())
    }
    states, buffer_paths, _ = _remove_buffers(states)
    if buffer_paths:
        return {}
    return {"states": states, "buffer_paths": []}


def display_state() -> None:
    """Always displays something: the page cache takes it as "the lesson ran to its end"."""
    from IPython.display import display

    display({STATE_MIME: widget_state()}, raw=True)
