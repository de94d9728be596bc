"""The measuring harness of the Python bench (bench/README.md, "Method"): warm-up, calibration, rotating
round-robin sampling. A sample is the mean time per operation over its iterations, in nanoseconds."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

FULL: dict[str, Any] = {"warmupS": 0.3, "sampleS": 0.25, "samples": 9, "bigSamples": 7, "smoke": False}
SMOKE: dict[str, Any] = {"warmupS": 0, "sampleS": 0, "samples": 2, "bigSamples": 2, "smoke": True}

_sink: Any = None


@dataclass
class Timed:
    id: str
    fn: Callable[[], Any]


def _time_iters(fn: Callable[[], Any], n: int) -> int:
    global _sink
    t0 = time.perf_counter_ns()
    for _ in range(n):
        _sink = fn()
    return time.perf_counter_ns() - t0


def measure_suite(
    cases: Sequence[Timed], cfg: dict[str, Any], big: bool = False
) -> dict[str, dict[str, Any]]:
    """Round r runs the cases in an order rotated by r; sample r of every case comes from round r."""
    global _sink
    rounds = cfg["bigSamples"] if big else cfg["samples"]
    iters: dict[str, int] = {}
    for c in cases:
        if cfg["smoke"]:
            _sink = c.fn()
            iters[c.id] = 2
            continue
        t_end = time.perf_counter_ns() + cfg["warmupS"] * 1e9
        calls = 0
        while calls < 3 or time.perf_counter_ns() < t_end:
            _sink = c.fn()
            calls += 1
        n = 1
        t = _time_iters(c.fn, n)
        while t < cfg["sampleS"] * 1e8 and n < 1 << 30:
            n *= 2
            t = _time_iters(c.fn, n)
        iters[c.id] = max(1, round(n * cfg["sampleS"] * 1e9 / max(t, 1)))
    samples: dict[str, list[float]] = {c.id: [] for c in cases}
    for r in range(rounds):
        for k in range(len(cases)):
            c = cases[(k + r) % len(cases)]
            n = iters[c.id]
            _sink = None
            gc.collect()
            samples[c.id].append(_time_iters(c.fn, n) / n)
        if not cfg["smoke"]:
            print(f"[py]   round {r + 1}/{rounds}", file=sys.stderr, flush=True)
    _sink = None
    return {c.id: {"samples_ns": samples[c.id], "iters": iters[c.id]} for c in cases}


def median(xs: list[float]) -> float:
    return statistics.median(xs)
