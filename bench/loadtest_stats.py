"""Statistics of a load test: percentiles, throughput and the side-by-side comparison of the
product path (the API) with the baseline (Rasa's REST channel alone). No I/O here, so that it
is unit-tested apart from the processes the load test starts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between the closest ranks (numpy's
    default "linear" method). NaN for no values: an empty phase shows as such, not as 0 ms."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0 and 100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Sample:
    """One message: how long it took (seconds) and whether it failed (HTTP error, timeout…)."""

    seconds: float
    ok: bool
    # When it was answered, in seconds since its closed-loop turn began (NaN elsewhere).
    answered_at: float = math.nan


def settled(samples: Sequence[Sample], after: float) -> list[Sample]:
    """The samples answered at least `after` seconds into their turn: the closed loop's steady
    state, without the start of a turn, where every citizen sends their first message at the
    same instant."""
    return [s for s in samples if s.answered_at >= after]


@dataclass(frozen=True)
class Summary:
    phase: str
    path: str  # "api" (the product) or "rasa" (the baseline)
    messages: int
    errors: int
    wall_seconds: float
    throughput: float  # answered messages per second of wall time
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(phase: str, path: str, samples: Sequence[Sample], wall_seconds: float) -> Summary:
    """Latencies over the answered messages only: a failed one has no meaningful time."""
    times = [s.seconds * 1000 for s in samples if s.ok]
    errors = sum(1 for s in samples if not s.ok)
    return Summary(
        phase=phase,
        path=path,
        messages=len(samples),
        errors=errors,
        wall_seconds=wall_seconds,
        throughput=len(times) / wall_seconds if wall_seconds > 0 else math.nan,
        mean_ms=sum(times) / len(times) if times else math.nan,
        p50_ms=percentile(times, 50),
        p95_ms=percentile(times, 95),
        p99_ms=percentile(times, 99),
    )


def api_share(api: Summary, rasa: Summary) -> float:
    """The share of a message's time spent in the API itself: (API mean − Rasa mean) / API mean.
    Negative when the API path was faster (noise); NaN when either has no answered message."""
    if math.isnan(api.mean_ms) or math.isnan(rasa.mean_ms) or api.mean_ms == 0:
        return math.nan
    return (api.mean_ms - rasa.mean_ms) / api.mean_ms


def throughput_ratio(api: Summary, rasa: Summary) -> float:
    """The API's msg/s as a fraction of what Rasa alone served in the same conditions."""
    if not rasa.throughput or math.isnan(rasa.throughput):
        return math.nan
    return api.throughput / rasa.throughput


HEADER = (
    f"{'phase':<22} {'path':<5} {'msgs':>5} {'errors':>6} {'msg/s':>7} "
    f"{'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
)


def format_row(summary: Summary) -> str:
    return (
        f"{summary.phase:<22} {summary.path:<5} {summary.messages:>5} {summary.errors:>6} "
        f"{summary.throughput:>7.1f} {summary.mean_ms:>8.0f} {summary.p50_ms:>8.0f} "
        f"{summary.p95_ms:>8.0f} {summary.p99_ms:>8.0f}"
    )
