"""Interactive pieces that lessons are built from (imported as kynangso.widgets)."""
