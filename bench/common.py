"""Helpers shared by the benchmark scripts: statistics, timed child processes, machine facts.

Benchmark tooling only: nothing in ``desktop/`` imports this, and nothing here asserts a time.
No Qt imports at module level (``versions()`` imports PySide6 only to read its version).
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"

Argv = list[str | os.PathLike[str]]


@dataclass(frozen=True)
class Stats:
    """Min, median and max of repeated measurements, plus the samples themselves."""

    samples: tuple[float, ...]

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def to_json(self) -> dict[str, object]:
        return {
            "min": self.min, "median": self.median, "max": self.max,
            "samples": list(self.samples),
        }


def stats(samples: Sequence[float]) -> Stats:
    if not samples:
        raise ValueError("no samples")
    return Stats(tuple(samples))


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def timed(work: Callable[[], object]) -> tuple[float, object]:
    """Run work(); return (seconds, its result)."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


@dataclass(frozen=True)
class ChildRun:
    """One finished child process: wall time, exit code and output."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str

    def first_error_line(self) -> str:
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else f"exit code {self.returncode}"


def run_child(
    argv: Argv,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO,
) -> ChildRun:
    """Run a process to its end, measuring its wall time (spawn to exit).

    Output goes through temporary files, so a chatty child never blocks on a full pipe. The
    child's memory is not measured here: on Linux a child's ru_maxrss includes the parent's
    RSS at fork time, so a child reports its own peak with ``rss.peak_rss_kb()``.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        code = subprocess.call(
            [os.fspath(a) for a in argv], stdout=out, stderr=err, cwd=cwd,
            env=dict(env) if env is not None else None,
        )
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return ChildRun(
            seconds, code,
            out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
        )


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": ram_gb(),
        "os": platform.platform(),
    }


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    qt: str | None = None
    try:
        from PySide6 import QtCore

        qt = QtCore.qVersion()
    except ImportError:
        pass
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "PySide6": _dist_version("PySide6-Essentials") or _dist_version("PySide6"),
        "Qt": qt,
        "sqlite-utils": _dist_version("sqlite-utils"),
        "broadsheet": _dist_version("broadsheet"),
    }


def child_env(data_dir: Path) -> dict[str, str]:
    """Environment for a benchmarked app process: offscreen Qt, user data in the work folder.

    Bytecode caching is switched back on: an installed app (or a frozen bundle) runs from
    compiled bytecode, and with PYTHONDONTWRITEBYTECODE set every start recompiles every
    module from source (0.2 s of the window's start-up here).
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["BROADSHEET_DATA_DIR"] = str(data_dir)
    return env


def python() -> str:
    return sys.executable
