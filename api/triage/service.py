"""Routing an inquiry text to a department with the knowledge base of this process."""

from __future__ import annotations

from dataclasses import dataclass

from api.faq.knowledge import Knowledge


@dataclass(frozen=True)
class Triage:
    department: str | None  # code; None when the directory and the FAQ name no department
    confidence: float  # 0..1
    alternatives: list[str]  # the next best two codes, best first
    alternative_confidences: list[float]


def triage(knowledge: Knowledge, text: str) -> Triage:
    decision = knowledge.router.route(text)
    department = decision.department or knowledge.fallback_department
    return Triage(
        department=department or None,
        confidence=float(decision.confidence) if decision.department else 0.0,
        alternatives=[code for code, _ in decision.alternatives],
        alternative_confidences=[float(score) for _, score in decision.alternatives],
    )
