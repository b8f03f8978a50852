"""`kynangso bench --only site`: the resident site against stock Voila, same lesson, same run.

Five measurements (issue 7), each taken on a freshly started server of each kind:

1. bytes on the wire, first and repeat visit;
2. time until the lesson's first widget is usable, 390×844 on Fast 3G, first and repeat;
3. 20 visitors at once: p50/p95 time to serve the page, and errors;
4. 100 visitors within 10 s: errors and hung requests (our "busy" page counted apart);
5. PSS of the kernel behind one open lesson.

Every figure is printed for both servers with the ratio ours/stock and the target beside
it. Other work shares this 2-core machine, so the figures are noisy.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

from kynangso.messages import t
from kynangso.site import bench_load, bench_servers

LESSON = "dich-vu-cong/01-tai-khoan-vneid.ipynb"
BURST, FLOOD, FLOOD_SPREAD, FLOOD_TIMEOUT = 20, 100, 10.0, 60.0
MB = 1_000_000

# metric key -> (unit, target as (comparison, value) or None)
METRICS = {
    "bytes_first": ("MB", ("<=", 1.0)),
    "bytes_repeat": ("MB", None),
    "widget_first": ("s", ("<=", 8.0)),
    "widget_repeat": ("s", ("<=", 2.0)),
    "burst_p50": ("s", None),
    "burst_p95": ("s", ("<=", 0.5)),
    "burst_errors": ("", ("<=", 0)),
    "burst_pool_p50": ("s", None),
    "burst_pool_p95": ("s", ("<=", 0.5)),
    "flood_errors": ("", ("<=", 0)),
    "flood_hung": ("", ("<=", 0)),
    "flood_busy": ("", None),
    "pss": ("MB", ("<=", 60.0)),
}


def browser_part(server) -> dict:
    from kynangso.site.bench_browser import first_and_repeat

    pss = {}

    def while_open(visit):
        pid = server.kernel_pids().get(visit.kernel_id or "")
        if pid:
            pss["pss"] = bench_servers.pss_kib(pid) * 1024 / MB

    def come_back_later():
        # Long enough for the server to settle (our pool refills, as it would have by the
        # time a resident comes back); stock Voila has no pool and just idles.
        time.sleep(1)
        if server.name == "ours":
            bench_servers.wait_for_pool(server, 1)

    first, repeat = first_and_repeat(server.url, while_open, come_back_later)
    for visit in (first, repeat):
        if visit.error:
            print(t("site.bench.failed", name=t(f"site.bench.{server.name}"), detail=visit.error), flush=True)
    if first.blocked:
        print(t("site.bench.blocked", name=t(f"site.bench.{server.name}"), count=len(first.blocked)), flush=True)
    return {
        "bytes_first": first.bytes / MB, "bytes_repeat": repeat.bytes / MB,
        "widget_first": first.seconds, "widget_repeat": repeat.seconds,
        "pss": pss.get("pss", math.nan),
    }


def burst_part(server) -> dict:
    load = bench_load.visitors(server.url, BURST, 0, FLOOD_TIMEOUT)
    if load.details:
        print(t("site.bench.failed", name=t(f"site.bench.{server.name}"), detail=", ".join(load.details)), flush=True)
    return {"burst_p50": load.percentile(50), "burst_p95": load.percentile(95),
            "burst_errors": load.errors + load.hung}


def burst_pool_part(server) -> dict:
    """The same burst on a site whose pool holds one pre-rendered kernel per visitor."""
    result = burst_part(server)
    return {"burst_pool_p50": result["burst_p50"], "burst_pool_p95": result["burst_p95"]}


def flood_part(server) -> dict:
    load = bench_load.visitors(server.url, FLOOD, FLOOD_SPREAD, FLOOD_TIMEOUT)
    if load.details:
        print(t("site.bench.failed", name=t(f"site.bench.{server.name}"), detail=", ".join(load.details)), flush=True)
    return {"flood_errors": load.errors, "flood_hung": load.hung, "flood_busy": load.busy}


def measure(kind: str, courses: Path, work: Path) -> dict:
    parts = [(browser_part, 1), (burst_part, 1), (flood_part, 1)]
    if kind == "ours":
        parts.append((burst_pool_part, BURST))
    results: dict = {}
    for part, pool in parts:
        step = t(f"site.bench.part.{part.__name__.removesuffix('_part')}")
        print(t("site.bench.starting", name=f"{t(f'site.bench.{kind}')} ({step})"), flush=True)
        try:
            if kind == "ours":
                start = bench_servers.ours(courses, LESSON, work, "--pool-size", str(pool))
            else:
                start = bench_servers.stock(courses, LESSON, work)
            with start as server:
                if kind == "ours":
                    bench_servers.wait_for_pool(server, pool)
                results.update(part(server))
        except Exception as error:  # noqa: BLE001 (report and go on with the other parts)
            print(t("site.bench.failed", name=t(f"site.bench.{kind}"), detail=f"{step}: {error}"), flush=True)
    return results


def show(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "":
        return str(int(value))
    digits = 3 if unit == "MB" and value < 10 else 2 if unit == "s" else 1
    return f"{value:.{digits}f} {unit}"


def ratio(ours: float, stock: float) -> str:
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (ours, stock)) or not stock:
        return "—"
    return f"{ours / stock:.2f}×"


def report(ours: dict, stock: dict) -> tuple[int, int]:
    met = total = 0
    for key, (unit, target) in METRICS.items():
        label = t(f"site.bench.{key}", timeout=int(FLOOD_TIMEOUT))
        mine, theirs = ours.get(key), stock.get(key)
        print(t("site.bench.heading", metric=label, ours=show(mine, unit), stock=show(theirs, unit),
                ratio=ratio(mine, theirs)))
        if target:
            total += 1
            ok = mine is not None and not (isinstance(mine, float) and math.isnan(mine)) and mine <= target[1]
            met += ok
            wanted = f"≤ {show(target[1], unit)}"
            print("    " + t("site.bench.target", target=wanted,
                             verdict=t("site.bench.met") if ok else t("site.bench.missed")))
    print(t("site.bench.summary", met=met, total=total), flush=True)
    return met, total


def run(args) -> int:
    from kynangso.site.bench_browser import FAST_3G

    try:
        import playwright  # noqa: F401
    except ImportError as error:
        print(t("site.bench.missing_tools", detail=error))
        return 1
    print(t("site.bench.description"))
    print(t("site.bench.method", down=FAST_3G["downloadThroughput"], up=FAST_3G["uploadThroughput"],
            latency=FAST_3G["latency"]))
    print(t("site.bench.same_lesson", lesson=LESSON), flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kns-site-bench-") as tmp:
        work = Path(tmp)
        courses = bench_servers.one_lesson_courses(LESSON, work / "courses")
        ours = measure("ours", courses, work)
        stock = measure("stock", courses, work)
    print()
    report(ours, stock)
    print(f"({time.monotonic() - started:.0f} s)")
    return 0
