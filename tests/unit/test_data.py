"""kynangso.data: the shipped CSV tables and the simulated dossier log."""

from __future__ import annotations

import csv
import unicodedata
from datetime import datetime, time
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kynangso.data import (
    add_working_days_array,
    dossier_log,
    load_procedures,
    load_provinces,
    load_seed_figures,
    working_day_calendar,
)
from kynangso.data.dossiers import PERIOD_END, PERIOD_START
from kynangso.vn import DOSSIER_STATUSES, PROVINCES, add_working_days, is_working_day

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"

CLOSED = {3, 7, 8, 9, 10}
OPEN = {1, 2, 4, 5, 6}
FULL_ONLINE, PARTLY_ONLINE, IN_PERSON = "Trực tuyến toàn trình", "Trực tuyến một phần", "Trực tiếp"
BIRTH_BUNDLE = "Liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi"
LAND = "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return dossier_log(10_000, 2026)


@pytest.fixture(scope="module")
def working_days() -> dict[str, int]:
    return dict(load_procedures().itertuples(index=False))


def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        # CI lays shared/ beside the clone; a bare clone elsewhere cannot make this check.
        pytest.skip(f"Không có thư mục bài báo gốc {SEEDS} (shared/ nằm cạnh kho mã): bỏ qua.")
    return {path.name: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}


# --- reference tables -----------------------------------------------------------------


def test_provinces_frame_matches_the_vn_table():
    provinces = load_provinces()
    assert list(provinces.columns) == ["code", "name"]
    assert len(provinces) == 63 and provinces["code"].is_unique
    assert provinces["code"].str.fullmatch(r"\d{3}").all()  # leading zeros kept
    assert dict(provinces.itertuples(index=False)) == dict(PROVINCES)


def test_seed_figures_schema():
    raw = files("kynangso.data").joinpath("seed_figures.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(raw.splitlines()))
    assert list(rows[0]) == ["province", "indicator", "value", "unit", "as_of", "source"]
    assert all(float(row["value"]) == float(row["value"]) for row in rows)  # numeric, not NaN
    assert unicodedata.is_normalized("NFC", raw)

    figures = load_seed_figures()
    assert len(figures) == len(rows) >= 40
    assert figures["value"].dtype == float
    assert figures.notna().all().all()
    assert figures["as_of"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    assert set(figures["province"]) <= set(PROVINCES.values())
    assert not figures.duplicated(["province", "indicator", "as_of"]).any()
    percentages = figures[figures["unit"] == "%"]["value"]
    assert percentages.between(0, 100).all()


def test_every_source_is_a_seed_file_and_every_seed_is_used():
    texts = seed_texts()
    sources = set(load_seed_figures()["source"])
    assert sources <= set(texts)
    assert sources == set(texts), "each seed article should contribute figures"


def vietnamese_spellings(value: float) -> set[str]:
    """How an article may print ``value``: 8.175, 58,77, 70 triệu, 2018."""
    if value == int(value):
        whole = int(value)
        spellings = {str(whole), f"{whole:,}".replace(",", ".")}
        if whole % 1_000_000 == 0:
            spellings.add(f"{whole // 1_000_000} triệu")
        return spellings
    return {f"{value:g}".replace(".", ",")}


def test_every_figure_is_printed_in_its_source_article():
    texts = seed_texts()
    for row in load_seed_figures().itertuples(index=False):
        assert any(s in texts[row.source] for s in vietnamese_spellings(row.value)), row


@pytest.mark.parametrize(
    ("province", "indicator", "value", "as_of"),
    [
        ("Quảng Bình", "Tỷ lệ hồ sơ thanh toán trực tuyến", 58.77, "2024-08"),
        ("Quảng Bình", "Thủ tục hành chính cung cấp dưới hình thức dịch vụ công trực tuyến", 1175, "2024-08"),
        ("Quảng Nam", "Chứng thư số đã cấp", 8175, "2024"),
        ("Quảng Nam", "Tài khoản thư điện tử công vụ đã cấp", 30335, "2024"),
        ("Quảng Trị", "Sản phẩm trên sàn Voso", 320, "2023"),
        ("Quảng Ngãi", "Huyện, thành phố có mạng cáp quang", 13, "2021-06-15"),
        ("Nghệ An", "Ủy ban MTTQ tỉnh: hội nghị trực tuyến từ tỉnh đến cơ sở", 86, "2022"),
    ],
)
def test_figures_agree_with_content_facts(province, indicator, value, as_of):
    figures = load_seed_figures()
    row = figures[(figures["province"] == province) & (figures["indicator"] == indicator)]
    assert row[["value", "as_of"]].values.tolist() == [[value, as_of]]


def test_procedures_table():
    procedures = load_procedures()
    assert list(procedures.columns) == ["procedure", "working_days"]
    assert procedures["procedure"].is_unique
    assert (procedures["working_days"] >= 1).all()
    assert procedures.set_index("procedure").loc[BIRTH_BUNDLE, "working_days"] == 3


def test_generator_parameters_are_consistent():
    folder = files("kynangso.data")
    procedures = pd.read_csv(folder.joinpath("dossier_procedures.csv").open("rb"))
    communes = pd.read_csv(folder.joinpath("dossier_communes.csv").open("rb"), keep_default_na=False)
    for share in ("online_share", "full_online_share", "late_rate"):
        assert procedures[share].between(0, 1).all(), share
    assert 8 <= len(communes) <= 12 and communes["commune"].is_unique
    backlogs = set(communes["backlog_procedure"]) - {""}
    assert backlogs and backlogs <= set(procedures["procedure"])


# --- vectorised working days -----------------------------------------------------------


def test_vectorised_working_days_agree_with_add_working_days():
    rng = np.random.default_rng(5)
    starts = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, 3000)
    # Include the awkward starts on purpose: Tết, 2/9, weekends and New Year's Eve.
    extra = np.array(["2026-02-14", "2026-02-17", "2025-09-01", "2025-12-31", "2026-04-26"],
                     dtype="datetime64[D]")
    starts = np.concatenate([starts, extra])
    offsets = rng.integers(0, 40, starts.size)
    result = add_working_days_array(starts, offsets, working_day_calendar(2024, 2027))
    expected = [add_working_days(s.item(), int(k)) for s, k in zip(starts, offsets)]
    assert [d.item() for d in result] == expected


# --- the dossier log ------------------------------------------------------------------


def test_same_arguments_give_the_same_frame():
    pd.testing.assert_frame_equal(dossier_log(3000, 7), dossier_log(3000, 7))
    assert not dossier_log(3000, 7).equals(dossier_log(3000, 8))


def test_columns_and_dtypes(log):
    assert list(log.columns) == ["commune", "procedure", "channel", "submitted_at", "due_at",
                                 "finished_at", "status", "paid_online", "satisfaction"]
    assert log.dtypes.astype(str).to_dict() == {
        "commune": "object", "procedure": "object", "channel": "object",
        "submitted_at": "datetime64[ns]", "due_at": "datetime64[ns]", "finished_at": "datetime64[ns]",
        "status": "int64", "paid_online": "bool", "satisfaction": "Int64",
    }
    assert len(log) == 10_000 and log.index.equals(pd.RangeIndex(10_000))
    assert log["submitted_at"].is_monotonic_increasing


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_frames_keep_the_schema(n, log):
    frame = dossier_log(n, 1)
    assert len(frame) == n
    assert frame.dtypes.equals(log.dtypes)


def test_due_at_is_add_working_days_at_five_pm(log, working_days):
    for row in log.itertuples(index=False):
        due = add_working_days(row.submitted_at.date(), working_days[row.procedure])
        assert row.due_at == datetime.combine(due, time(17)), row


def test_status_agrees_with_finished_at(log):
    assert set(log["status"]) <= set(DOSSIER_STATUSES)
    closed = log["status"].isin(CLOSED)
    assert log.loc[closed, "finished_at"].notna().all()
    assert log.loc[~closed, "finished_at"].isna().all()
    assert log["status"].isin(OPEN).any() and closed.any()
    finished = log[closed]
    assert (finished["finished_at"] > finished["submitted_at"]).all()
    assert (finished["finished_at"] < pd.Timestamp(PERIOD_END)).all()


def test_submissions_fall_in_the_period_and_counters_keep_office_hours(log):
    assert log["submitted_at"].between(pd.Timestamp(PERIOD_START), pd.Timestamp(PERIOD_END)).all()
    counter = log[log["channel"] == IN_PERSON]["submitted_at"]
    assert all(is_working_day(moment.date()) for moment in counter)
    minutes = counter.dt.hour * 60 + counter.dt.minute
    morning, afternoon = minutes.between(450, 689), minutes.between(810, 1019)  # 7:30, 13:30
    in_office = morning | afternoon
    assert in_office.all()
    online = log[log["channel"] != IN_PERSON]["submitted_at"]
    assert not all(is_working_day(moment.date()) for moment in online)  # portals never close


def test_channels_follow_the_procedures(log):
    assert set(log["channel"]) == {FULL_ONLINE, PARTLY_ONLINE, IN_PERSON}
    assert (log.loc[log["procedure"] == BIRTH_BUNDLE, "channel"] == FULL_ONLINE).all()
    assert (log.loc[log["procedure"] == LAND, "channel"] != FULL_ONLINE).all()


def test_online_payment(log):
    assert not log.loc[log["channel"] == IN_PERSON, "paid_online"].any()
    assert not log.loc[log["status"] == 6, "paid_online"].any()
    assert 0.4 <= log["paid_online"].mean() <= 0.65


def test_satisfaction_only_for_returned_results(log):
    rated = log["satisfaction"].notna()
    assert (log.loc[rated, "status"] == 10).all()
    assert log.loc[rated, "satisfaction"].between(1, 5).all()
    late = log["finished_at"] > log["due_at"]
    assert log.loc[rated & late, "satisfaction"].mean() < log.loc[rated & ~late, "satisfaction"].mean()


def test_lateness_differs_by_commune_and_procedure(log):
    results = log[log["status"].isin({9, 10})]
    on_time = results["finished_at"] <= results["due_at"]
    by_commune = on_time.groupby(results["commune"]).mean()
    by_procedure = on_time.groupby(results["procedure"]).mean()
    assert 8 <= len(by_commune) <= 12
    assert by_commune.max() - by_commune.min() > 0.05
    assert by_procedure.idxmin() == LAND
    assert 0.8 < on_time.mean() < 0.97


@pytest.mark.parametrize(
    ("n", "seed", "words"),
    [
        (-1, 0, "không được âm"),
        (10, -5, "không được âm"),
        (10**7, 0, "tối đa"),
        (1.5, 0, "số nguyên"),
        ("100", 0, "số nguyên"),
        (True, 0, "số nguyên"),
        (10, None, "số nguyên"),
    ],
)
def test_bad_arguments_are_refused_in_vietnamese(n, seed, words):
    with pytest.raises(ValueError, match=words):
        dossier_log(n, seed)


def test_numpy_integers_are_accepted():
    assert len(dossier_log(np.int64(5), np.int32(3))) == 5
