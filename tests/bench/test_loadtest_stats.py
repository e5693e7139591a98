"""The load test's statistics: percentiles as numpy's "linear" method computes them, and the
comparison of the product path with Rasa alone."""

from __future__ import annotations

import math

import pytest

from bench.loadtest_stats import (
    Sample,
    api_share,
    percentile,
    settled,
    summarize,
    throughput_ratio,
)


def test_percentiles_interpolate_between_ranks() -> None:
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert percentile(values, 0) == 15.0
    assert percentile(values, 50) == 35.0
    assert percentile(values, 100) == 50.0
    assert percentile(values, 40) == pytest.approx(29.0)  # rank 1.6: 20 + 0.6 × 15
    assert percentile(values, 95) == pytest.approx(48.0)  # rank 3.8: 40 + 0.8 × 10
    assert percentile(list(reversed(values)), 95) == pytest.approx(48.0)  # order does not matter


def test_percentile_of_one_value_and_of_none() -> None:
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary_times_answered_messages_only_and_counts_errors() -> None:
    samples = [Sample(0.1, True), Sample(0.3, True), Sample(30.0, False), Sample(0.2, True)]
    summary = summarize("closed", "api", samples, wall_seconds=2.0)
    assert (summary.messages, summary.errors) == (4, 1)
    assert summary.throughput == pytest.approx(1.5)  # 3 answered in 2 s
    assert summary.p50_ms == pytest.approx(200.0)
    assert summary.mean_ms == pytest.approx(200.0)


def test_api_share_and_throughput_ratio() -> None:
    api = summarize("closed", "api", [Sample(0.25, True)] * 4, wall_seconds=2.0)
    rasa = summarize("closed", "rasa", [Sample(0.2, True)] * 5, wall_seconds=2.0)
    assert api_share(api, rasa) == pytest.approx(0.2)  # 50 of 250 ms are the API's
    assert throughput_ratio(api, rasa) == pytest.approx(0.8)
    nothing = summarize("closed", "api", [Sample(1.0, False)], wall_seconds=1.0)
    assert math.isnan(api_share(nothing, rasa))


def test_the_settled_figure_leaves_out_the_start_of_each_turn() -> None:
    samples = [Sample(0.1, True, 0.5), Sample(0.1, True, 2.9), Sample(0.1, True, 3.0)]
    samples += [Sample(0.1, True, 9.0), Sample(0.1, True)]  # no time in a turn: not a turn's
    assert settled(samples, 3.0) == [samples[2], samples[3]]
