"""Interactive pieces that lessons are built from (imported as ``kynangso.widgets``)."""

from kynangso.widgets.quiz import Option, Quiz

__all__ = ["Option", "Quiz"]
