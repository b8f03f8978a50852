"""A simulated dossier log of ten commune one-stop shops, for pandas exercises.

Every person, commune and dossier is invented. The log covers 1/7/2025 to 30/6/2026 and is
a snapshot taken at midnight at its end, so recent dossiers are still open. Built-in
patterns give exercises something to find:

- communes differ in volume, in their online share and in how often they are late, and
  some have a backlog in one procedure (``dossier_communes.csv``);
- procedures differ in processing time and lateness (``dossier_procedures.csv``);
  the linked birth bundle is online only, marriage and land dossiers are never fully online;
- lateness falls slowly over the year; late dossiers get lower satisfaction scores;
- in-person dossiers arrive in office hours on working days, online ones at any time.

The columns are documented in ``dossier_log``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from kynangso.data.tables import read_table
from kynangso.data.workdays import add_working_days_array, working_day_calendar
from kynangso.messages import t

PERIOD_START = np.datetime64("2025-07-01", "D")
PERIOD_END = np.datetime64("2026-07-01", "D")  # exclusive: the moment of the snapshot
MAX_ROWS = 1_000_000

FULL_ONLINE, PARTLY_ONLINE, IN_PERSON = 0, 1, 2
CHANNEL_KEYS = ("full_online", "partly_online", "in_person")

# Office hours, in minutes after midnight: 7:30–11:30 and 13:30–17:00. Due at 17:00.
MORNING_START, MORNING_MINUTES = 7 * 60 + 30, 240
AFTERNOON_START, AFTERNOON_MINUTES = 13 * 60 + 30, 210
DUE_MINUTE = 17 * 60
# When online dossiers arrive, by hour of day (relative weights).
ONLINE_HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 9, 6, 7, 10, 11, 10, 8, 7, 8, 9, 8, 5, 2], dtype=float
)

# Outcomes other than a normal result, as shares of all dossiers.
REJECTED, WITHDRAWN, STOPPED, WAITING_FOR_DOCUMENTS = 0.025, 0.01, 0.005, 0.01
BACKLOG_FACTOR = 3.0
CHANNEL_LATE_FACTOR = np.array([0.9, 1.15, 1.0])  # indexed by channel
TREND_START, TREND_END = 1.25, 0.75  # lateness multiplier at the start and end of the year
ONLINE_PAYMENT = 0.92  # share of online dossiers whose fees were paid through the portal
RATED = 0.6  # share of returned results that the citizen scored
SATISFACTION_ON_TIME = np.array([0.01, 0.02, 0.05, 0.32, 0.60])
SATISFACTION_LATE = np.array([0.08, 0.12, 0.25, 0.35, 0.20])
OPEN_STATUS_CODES = np.array([2, 4, 5, 6])
OPEN_STATUS_SHARES = np.array([0.15, 0.65, 0.12, 0.08])

COLUMNS = ("commune", "procedure", "channel", "submitted_at", "due_at", "finished_at",
           "status", "paid_online", "satisfaction")


@dataclass(frozen=True)
class _Parameters:
    procedures: np.ndarray
    working_days: np.ndarray
    procedure_weights: np.ndarray
    online_share: np.ndarray
    full_online_share: np.ndarray
    late_rate: np.ndarray
    communes: np.ndarray
    commune_weights: np.ndarray
    online_factor: np.ndarray
    late_factor: np.ndarray
    backlog_procedure: np.ndarray  # index into procedures, −1 for none


@lru_cache(maxsize=1)
def _parameters() -> _Parameters:
    procedures = read_table("dossier_procedures.csv")
    communes = read_table("dossier_communes.csv", keep_default_na=False)
    index_of = {name: i for i, name in enumerate(procedures["procedure"])}
    return _Parameters(
        procedures=procedures["procedure"].to_numpy(object),
        working_days=procedures["working_days"].to_numpy(np.int64),
        procedure_weights=_normalised(procedures["weight"]),
        online_share=procedures["online_share"].to_numpy(float),
        full_online_share=procedures["full_online_share"].to_numpy(float),
        late_rate=procedures["late_rate"].to_numpy(float),
        communes=communes["commune"].to_numpy(object),
        commune_weights=_normalised(communes["weight"]),
        online_factor=communes["online_factor"].to_numpy(float),
        late_factor=communes["late_factor"].to_numpy(float),
        backlog_procedure=np.array([index_of.get(name, -1) for name in communes["backlog_procedure"]]),
    )


def _channel_labels() -> np.ndarray:
    return np.array([t(f"data.channel.{key}") for key in CHANNEL_KEYS], dtype=object)


def _normalised(weights: pd.Series) -> np.ndarray:
    values = weights.to_numpy(float)
    return values / values.sum()


def _calendar() -> np.busdaycalendar:
    # One year past the end: late land dossiers can finish many weeks after the snapshot.
    return working_day_calendar(PERIOD_START.item().year, PERIOD_END.item().year + 1)


def _check_arguments(n: object, seed: object) -> None:
    for value, name in ((n, "rows"), (seed, "seed")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(t(f"data.error.{name}_not_int", kind=type(value).__name__))
    if n < 0:
        raise ValueError(t("data.error.rows_negative", n=n))
    if n > MAX_ROWS:
        raise ValueError(t("data.error.rows_too_many", n=n, limit=MAX_ROWS))
    if seed < 0:
        raise ValueError(t("data.error.seed_negative", seed=seed))


def _office_minutes(rng: np.random.Generator, size: int) -> np.ndarray:
    """Uniform minutes within office hours."""
    u = rng.integers(0, MORNING_MINUTES + AFTERNOON_MINUTES, size)
    return np.where(u < MORNING_MINUTES, MORNING_START + u, AFTERNOON_START + u - MORNING_MINUTES)


def _minutes(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[m]")


def _channels(rng, p: _Parameters, procedure, commune) -> np.ndarray:
    online = np.clip(p.online_share[procedure] * p.online_factor[commune], 0.0, 1.0)
    online = np.where(p.online_share[procedure] >= 1.0, 1.0, online)  # online-only procedures
    u = rng.random(procedure.size)
    full = u < online * p.full_online_share[procedure]
    return np.select([full, u < online], [FULL_ONLINE, PARTLY_ONLINE], IN_PERSON)


def _submission_times(rng, channel: np.ndarray, calendar) -> np.ndarray:
    """In person: office hours on working days. Online: any day, mostly daytime and evening."""
    all_days = np.arange(PERIOD_START, PERIOD_END)
    working = all_days[np.is_busday(all_days, busdaycal=calendar)]
    size = channel.size
    in_person = channel == IN_PERSON
    day = np.where(in_person, working[rng.integers(0, working.size, size)],
                   all_days[rng.integers(0, all_days.size, size)])
    online_minute = (rng.choice(24, size, p=ONLINE_HOUR_WEIGHTS / ONLINE_HOUR_WEIGHTS.sum()) * 60
                     + rng.integers(0, 60, size))
    minute = np.where(in_person, _office_minutes(rng, size), online_minute)
    return day.astype("datetime64[m]") + _minutes(minute)


def _finish_offsets(rng, p: _Parameters, procedure, commune, channel, submitted_day, outcome):
    """Working days from submission to the end of each dossier."""
    size = procedure.size
    days = p.working_days[procedure]
    elapsed = (submitted_day - PERIOD_START) / (PERIOD_END - PERIOD_START)
    trend = TREND_START + (TREND_END - TREND_START) * elapsed
    backlog = np.where(p.backlog_procedure[commune] == procedure, BACKLOG_FACTOR, 1.0)
    p_late = (p.late_rate[procedure] * p.late_factor[commune] * backlog
              * CHANNEL_LATE_FACTOR[channel] * trend)
    late = rng.random(size) < np.clip(p_late, 0.0, 0.9)

    # On time: agencies tend to finish close to the deadline; counters can finish the same day.
    earliest = np.where(channel == IN_PERSON, 0, 1)
    on_time = earliest + np.floor(rng.beta(2.0, 1.0, size) * (days - earliest + 1)).astype(np.int64)
    overdue = days + rng.geometric(1.0 / (1.5 + 0.3 * days))
    withdrawn_after = rng.integers(1, days + 1)
    return np.select(
        [outcome == "rejected", outcome == "withdrawn", outcome == "stopped", late],
        [np.ones(size, np.int64), withdrawn_after, days, overdue],
        on_time,
    )


def _outcomes(rng, size: int) -> np.ndarray:
    u = rng.random(size)
    edges = np.cumsum([REJECTED, WITHDRAWN, STOPPED, WAITING_FOR_DOCUMENTS])
    names = np.array(["rejected", "withdrawn", "stopped", "waiting", "normal"])
    return names[np.searchsorted(edges, u, side="right")]


def dossier_log(n: int, seed: int) -> pd.DataFrame:
    """``n`` simulated dossiers, the same frame for the same ``(n, seed)``.

    Columns:

    - ``commune``, ``procedure``: names (str); ``channel``: "Trực tuyến toàn trình",
      "Trực tuyến một phần" or "Trực tiếp";
    - ``submitted_at``: when the dossier arrived (datetime64);
    - ``due_at``: 17:00 on ``add_working_days(submitted date, working days of the procedure)``;
    - ``finished_at``: when the dossier was closed (result, refusal, withdrawal or stop);
      NaT while it is still open;
    - ``status``: code of ``kynangso.vn.DOSSIER_STATUSES``; 3, 7, 8, 9 and 10 are closed,
      1, 2, 4, 5 and 6 are open;
    - ``paid_online``: fees paid through the portal (bool);
    - ``satisfaction``: the citizen's score 1–5 for a returned result, or <NA> (Int64).

    Rows are in order of ``submitted_at``. Bad arguments raise ``ValueError`` with a
    Vietnamese message.
    """
    _check_arguments(n, seed)
    rng = np.random.default_rng(seed)
    p, calendar = _parameters(), _calendar()

    commune = rng.choice(p.communes.size, n, p=p.commune_weights)
    procedure = rng.choice(p.procedures.size, n, p=p.procedure_weights)
    channel = _channels(rng, p, procedure, commune)
    submitted_at = _submission_times(rng, channel, calendar)
    submitted_day = submitted_at.astype("datetime64[D]")
    days = p.working_days[procedure]
    due_day = add_working_days_array(submitted_day, days, calendar)
    due_at = due_day.astype("datetime64[m]") + _minutes(DUE_MINUTE)

    outcome = _outcomes(rng, n)
    offset = _finish_offsets(rng, p, procedure, commune, channel, submitted_day, outcome)
    finish_day = add_working_days_array(submitted_day, offset, calendar).astype("datetime64[m]")
    same_day = submitted_at + _minutes(rng.integers(20, 150, n))
    finished_at = np.where(offset == 0, same_day, finish_day + _minutes(_office_minutes(rng, n)))
    open_ = (outcome == "waiting") | (finished_at >= PERIOD_END)

    status = _status_codes(rng, outcome, open_, submitted_day, finished_at, calendar)
    unpaid_status = np.isin(status, (1, 3, 6, 7))  # not yet asked, refused, owing, withdrawn
    paid_online = (channel != IN_PERSON) & (rng.random(n) < ONLINE_PAYMENT) & ~unpaid_status
    satisfaction = _satisfaction(rng, status, finished_at > due_at)

    frame = pd.DataFrame({
        "commune": p.communes[commune],
        "procedure": p.procedures[procedure],
        "channel": _channel_labels()[channel],
        "submitted_at": submitted_at.astype("datetime64[ns]"),
        "due_at": due_at.astype("datetime64[ns]"),
        "finished_at": np.where(open_, np.datetime64("NaT"), finished_at).astype("datetime64[ns]"),
        "status": status.astype(np.int64),
        "paid_online": paid_online,
        "satisfaction": satisfaction,
    })
    return frame.sort_values("submitted_at", kind="stable", ignore_index=True)


def _status_codes(rng, outcome, open_, submitted_day, finished_at, calendar) -> np.ndarray:
    size = outcome.size
    last_day = PERIOD_END - np.timedelta64(1, "D")
    # Results of the last three working days may not have been collected yet.
    recent_cutoff = np.busday_offset(last_day, -2, roll="backward", busdaycal=calendar)
    recent_result = finished_at >= recent_cutoff.astype("datetime64[m]")
    not_collected = rng.random(size) < np.where(recent_result, 0.5, 0.03)
    closed = np.select(
        [outcome == "rejected", outcome == "withdrawn", outcome == "stopped", not_collected],
        [3, 7, 8, 9],
        10,
    )
    # Open dossiers: still "newly submitted" on their first working day, else in some stage.
    first_day = np.busday_count(submitted_day, last_day, busdaycal=calendar) == 0
    stage = OPEN_STATUS_CODES[rng.choice(OPEN_STATUS_CODES.size, size, p=OPEN_STATUS_SHARES)]
    opened = np.select([first_day, outcome == "waiting"], [1, 5], stage)
    return np.where(open_, opened, closed)


def _satisfaction(rng, status, late) -> pd.arrays.IntegerArray:
    """Scores 1–5 for part of the returned results; late results score lower."""
    size = status.size
    u = rng.random(size)
    cumulative = np.where(late[:, None], SATISFACTION_LATE.cumsum(), SATISFACTION_ON_TIME.cumsum())
    score = 1 + (u[:, None] > cumulative).sum(axis=1)
    rated = (status == 10) & (rng.random(size) < RATED)
    return pd.arrays.IntegerArray(np.minimum(score, 5).astype(np.int64), mask=~rated)
