from __future__ import annotations

import pytest
from spacy.language import Language

from api.nlp.pipeline import get_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The process-wide pipeline, loaded once (~1 s) for the whole session."""
    return get_pipeline()
