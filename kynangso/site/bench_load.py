"""Many visitors asking for the lesson page at once, over plain HTTP on 127.0.0.1.

Each visitor downloads the whole page (that is when Voila has run the lesson for them);
a request that has not finished after ``timeout`` seconds counts as hung. A page that
is not HTTP 200 is an error, except our designed "busy" page (503 with Retry-After),
which is counted on its own.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Load:
    times: list[float] = field(default_factory=list)  # seconds, pages served (200)
    errors: int = 0
    hung: int = 0
    busy: int = 0
    details: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        if not self.times:
            return float("nan")
        if len(self.times) == 1:
            return self.times[0]
        return statistics.quantiles(self.times, n=100, method="inclusive")[int(q) - 1]


def one_visit(url: str, timeout: float, load: Load, lock: threading.Lock, start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))
    start = time.monotonic()
    outcome, detail = "ok", ""
    try:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        retry = error.headers.get("Retry-After")
        error.read()
        outcome = "busy" if status == 503 and retry else "error"
        detail = f"HTTP {status}"
    except TimeoutError:
        outcome = "hung"
    except (OSError, http.client.HTTPException) as error:
        # A page cut off half-way (IncompleteRead) is an error too.
        outcome, detail = ("hung", "") if "timed out" in str(error) else ("error", repr(error)[:120])
    else:
        outcome = "ok" if status == 200 else "error"
        detail = f"HTTP {status}"
    elapsed = time.monotonic() - start
    with lock:
        if outcome == "ok":
            load.times.append(elapsed)
        elif outcome == "busy":
            load.busy += 1
        elif outcome == "hung":
            load.hung += 1
        else:
            load.errors += 1
            if len(load.details) < 5:
                load.details.append(detail)


def visitors(url: str, count: int, spread: float, timeout: float) -> Load:
    """``count`` visitors spread evenly over ``spread`` seconds (0: all at once)."""
    load, lock = Load(), threading.Lock()
    start = time.monotonic() + 0.5
    threads = [
        threading.Thread(target=one_visit, args=(url, timeout, load, lock, start + spread * i / count), daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + spread + 30)
    return load
