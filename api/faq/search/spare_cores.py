"""How many cores a citizen's query may embed on: a second core while the machine is idle.

A query's e5 vector is most of a search's time. On two OpenMP threads it takes about half as
long, but only while the other core is free: under load a second thread would wait at each of
the engine's barriers for a core that other work holds, and spin while it waits. So the engine
stays at one thread (OMP_NUM_THREADS=1, see encoders.py) and the query-embedding thread asks
`QueryThreads.now()` before each query: how busy the machine was, apart from our own query
embeddings, since the last look. The count comes from the kernel (/proc/stat); where it cannot
be read, a query gets one thread.

The ceiling is MADOGUCHI_QUERY_THREADS (default 2; 1 turns this off). Only the query thread
changes its OpenMP thread count (the count is per thread): the thread that forks (the main
one) never runs a parallel team, so a forked child does not hang in the runtime.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

ENV_CEILING = "MADOGUCHI_QUERY_THREADS"
DEFAULT_CEILING = 2
# Shortest time (s) between two looks at the machine: a shorter one sees a tick or two.
WINDOW = 0.1
# Cores the rest of the machine may keep busy while a query still takes a second one.
OTHERS_BUSY_LIMIT = 0.5

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_busy_seconds(path: str = "/proc/stat") -> float | None:
    """CPU time (s) all cores have spent busy since boot, or None where it cannot be read."""
    try:
        with open(path, encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if len(fields) < 8 or fields[0] != "cpu":
        return None
    try:
        user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
        steal = int(fields[8]) if len(fields) > 8 else 0
    except ValueError:
        return None
    return (user + nice + system + irq + softirq + steal) / _TICKS


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def ceiling_from_env() -> int:
    raw = os.environ.get(ENV_CEILING, "")
    try:
        return max(1, int(raw)) if raw.strip() else DEFAULT_CEILING
    except ValueError:
        logger.warning("%s=%r is not a number; queries embed on one thread", ENV_CEILING, raw)
        return 1


class QueryThreads:
    """The thread count for the next query: the ceiling while the rest of the machine leaves
    a core idle, else one. `busy` and `clock` are the machine's busy CPU seconds and a
    monotonic clock (injected in tests)."""

    def __init__(
        self,
        ceiling: int,
        cores: int,
        busy: Callable[[], float | None] = machine_busy_seconds,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ceiling = max(1, min(ceiling, cores))
        self._busy = busy
        self._clock = clock
        self._lock = threading.Lock()
        self._last = (clock(), busy())
        self._ours = 0.0  # CPU seconds our query embeddings used since the last look
        self._threads = 1

    def now(self) -> int:
        if self.ceiling == 1:
            return 1
        with self._lock:
            at, busy = self._clock(), self._busy()
            since, busy_before = self._last
            if busy is None or busy_before is None:
                self._last = (at, busy)
                self._threads = 1
            elif at - since >= WINDOW:
                others = max(0.0, busy - busy_before - self._ours) / (at - since)
                self._threads = self.ceiling if others <= OTHERS_BUSY_LIMIT else 1
                self._last, self._ours = (at, busy), 0.0
            return self._threads

    def used(self, seconds: float, threads: int) -> None:
        """A query took `seconds` on `threads`: that work is ours, not the machine's load."""
        with self._lock:
            self._ours += seconds * threads


def openmp_thread_setter(library_glob: str) -> Callable[[int], None] | None:
    """`omp_set_num_threads` of the OpenMP runtime a wheel bundles (its file matched by
    `library_glob`), or None when there is none to find."""
    for path in sorted(glob.glob(library_glob)):
        try:
            runtime = ctypes.CDLL(path)  # already loaded by the engine: the same handle
            setter = runtime.omp_set_num_threads
        except (OSError, AttributeError):
            continue
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        return setter
    return None
