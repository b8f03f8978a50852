"""Data shipped with the package: reference tables and generators for lessons and exercises."""

from kynangso.data.dossiers import dossier_log
from kynangso.data.tables import load_procedures, load_provinces, load_seed_figures
from kynangso.data.workdays import add_working_days_array, working_day_calendar

__all__ = [
    "add_working_days_array",
    "dossier_log",
    "load_procedures",
    "load_provinces",
    "load_seed_figures",
    "working_day_calendar",
]
