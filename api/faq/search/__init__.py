"""Japanese FAQ retrieval (pure Python over a list of entries; no database access)."""

from .decision import AnswerDecision, Thresholds, decide
from .documents import FaqDocument, SearchHit
from .index import FaqIndex

__all__ = ["AnswerDecision", "FaqDocument", "FaqIndex", "SearchHit", "Thresholds", "decide"]
