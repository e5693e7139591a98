"""Cross-validated calibration of the answer rule (api/faq/search/decision.py).

On each of k training folds of the dev questions: a logistic model of "the fused winner is
right" (grade >= 1) over the views' features (decision.FEATURES), then the lowest probability
threshold whose answers on the training fold reach the target precision (with the search's
guards applied: key coverage, vague, worded, outside). Each fold's model and threshold are
measured on its held-out fold; the constants proposed for the product are the mean of the
fold models (raw units) and the median of the fold thresholds, never a fit to all questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from api.faq.search.decision import ANSWER_MODEL, DEFAULT_THRESHOLDS, FEATURES, Signals

Figures = Callable[..., dict[str, float]]
RIDGE = 1.0  # L2 penalty of the logistic fit (on standardised features)


def _right(sig: Signals, rel: dict[str, int]) -> float:
    return 1.0 if sig.hits and rel.get(sig.hits[0].faq_id, 0) >= 1 else 0.0


def fit_model(
    sigs: dict[str, Signals], qrels: dict[str, dict[str, int]], qids: Sequence[str]
) -> dict[str, float]:
    """Logistic regression (Newton steps, ridge) on the training questions; raw-unit
    coefficients for decision.ANSWER_MODEL."""
    rows = [q for q in qids if sigs[q].hits and sigs[q].features]
    labels = {_right(sigs[q], qrels.get(q, {})) for q in rows}
    if len(rows) < len(FEATURES) + 2 or len(labels) < 2:  # too few to learn: the product's
        return dict(ANSWER_MODEL)
    x = np.array([[sigs[q].features.get(f, 0.0) for f in FEATURES] for q in rows], dtype=float)
    y = np.array([_right(sigs[q], qrels.get(q, {})) for q in rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = np.column_stack([np.ones(len(rows)), (x - mean) / std])
    w = np.zeros(xs.shape[1])
    penalty = RIDGE * np.diag([1e-6] + [1.0] * len(FEATURES))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-xs @ w))
        grad = xs.T @ (p - y) + penalty @ w
        hess = xs.T @ (xs * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hess, grad)
    coef = w[1:] / std
    return {
        "intercept": float(w[0] - coef @ mean),
        **dict(zip(FEATURES, map(float, coef), strict=True)),
    }


def cross_validate(
    sigs: dict[str, Signals],
    qrels: dict[str, dict[str, int]],
    figures: Figures,
    target_precision: float = 0.85,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, object]:
    qids = sorted(sigs)
    folds = max(1, min(folds, len(qids) // 2))
    order = list(np.random.default_rng(seed).permutation(len(qids)))
    grid = [round(float(t), 3) for t in np.arange(0.3, 0.991, 0.01)]
    models, thresholds = [], []
    held_answered = held_correct = clarified = clarify_ok = 0.0
    for k in range(folds):
        test = [qids[i] for j, i in enumerate(order) if j % folds == k]
        train = [qids[i] for j, i in enumerate(order) if j % folds != k] or test
        model = fit_model(sigs, qrels, train)
        choice, cover = grid[-1], -1.0
        for t in grid:
            th = replace(DEFAULT_THRESHOLDS, answer_probability=t)
            f = figures(sigs, qrels, th, train, model)
            if f["answer_precision"] >= target_precision and f["answer_coverage"] > cover:
                choice, cover = t, f["answer_coverage"]
        models.append(model)
        thresholds.append(choice)
        th = replace(DEFAULT_THRESHOLDS, answer_probability=choice)
        f = figures(sigs, qrels, th, test, model)
        held_answered += f["answer_coverage"] * len(test)
        held_correct += f["answer_precision"] * f["answer_coverage"] * len(test)
        clarified += f["clarify_share"] * len(test)
        clarify_ok += f["clarify_useful"] * f["clarify_share"] * len(test)
    keys = ("intercept", *FEATURES)
    mean_model = {key: float(np.mean([m.get(key, 0.0) for m in models])) for key in keys}
    return {
        "fold_thresholds": thresholds,
        "median_answer_probability": float(np.median(thresholds)),
        "mean_model": {k: round(v, 3) for k, v in mean_model.items()},
        "cv_answer_precision": held_correct / held_answered if held_answered else 0.0,
        "cv_answer_coverage": held_answered / len(qids) if qids else 0.0,
        "cv_clarify_useful": clarify_ok / clarified if clarified else 0.0,
    }
