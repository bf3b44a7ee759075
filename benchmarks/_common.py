"""Helpers shared by the ``benchmarks/bench_*.py`` scripts (not a benchmark itself).

Each script runs as ``python benchmarks/bench_x.py`` from the repository root (and through
``nox -s bench``); Python then puts ``benchmarks/`` first on ``sys.path``, so the scripts
import this module as ``from _common import load_average, timed``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

__all__ = ["load_average", "timed"]


def timed(func: Callable[[], object]) -> float:
    """Wall-clock seconds one call of ``func`` takes."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def load_average() -> str:
    """The system's 1, 5 and 15-minute load averages, for the report (``"unknown"`` if none)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "unknown"
