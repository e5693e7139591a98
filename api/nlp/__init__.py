"""Japanese NLP for triage and personal-data masking (see docs/design.md).

The masking side (`mask_fast`, `PersonalDataFilter`, `Span`) is importable without spaCy;
the names that need the spaCy pipeline are imported on first access, so that importing
`api.nlp.masking` (e.g. from the logging setup) does not cost a spaCy import (~1 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from api.nlp.masking import PersonalDataFilter, mask, mask_fast, mask_with
from api.nlp.spans import Span

if TYPE_CHECKING:
    from api.nlp.entities import extract, first_place
    from api.nlp.pipeline import get_pipeline

__all__ = [
    "PersonalDataFilter",
    "Span",
    "extract",
    "first_place",
    "get_pipeline",
    "mask",
    "mask_fast",
    "mask_with",
]

_LAZY = {
    "extract": "api.nlp.entities",
    "first_place": "api.nlp.entities",
    "get_pipeline": "api.nlp.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
