"""The reference tables shipped as CSV, loaded as pandas DataFrames for lessons and exercises."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd


def read_table(name: str, **read_csv_options) -> pd.DataFrame:
    """Read ``kynangso/data/<name>`` (UTF-8 CSV) with pandas."""
    with files(__package__).joinpath(name).open("rb") as stream:
        return pd.read_csv(stream, encoding="utf-8", **read_csv_options)


def load_provinces() -> pd.DataFrame:
    """The 63 pre-merger provinces: ``code`` (3 digits, str) and ``name``.

    These are the codes inside personal identification numbers issued so far [P].
    """
    return read_table("provinces.csv", dtype={"code": str, "name": str})


def load_seed_figures() -> pd.DataFrame:
    """Figures from the seed news articles, one row per figure.

    Columns: ``province`` (pre-merger name), ``indicator``, ``value`` (float), ``unit``,
    ``as_of`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: when the figure applies) and ``source``
    (the seed file's name). An indicator ending "(tối thiểu)" was reported as "more than"
    the value, "(xấp xỉ)" as "nearly". The Quảng Trị (2023) and Nghệ An (2022) articles are
    undated; their years are inferred from the text.
    """
    return read_table(
        "seed_figures.csv",
        dtype={"province": str, "indicator": str, "value": float, "unit": str, "as_of": str,
               "source": str},
    )


def load_procedures() -> pd.DataFrame:
    """The procedures in ``dossier_log`` with their processing time in working days."""
    return read_table("dossier_procedures.csv", usecols=["procedure", "working_days"])
