from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from bot.nlu.fugashi_tokenizer import FugashiTokenizer


@pytest.fixture
def model_storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path / "model_storage")


@pytest.fixture
def resource() -> Resource:
    return Resource("fugashi_tokenizer")


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), model_id="test-model")


@pytest.fixture
def create_tokenizer(
    model_storage: LocalModelStorage, resource: Resource, execution_context: ExecutionContext
) -> Callable[..., FugashiTokenizer]:
    """Build the component the way Rasa does: defaults merged with the pipeline's config."""

    def create(**config: Any) -> FugashiTokenizer:
        return FugashiTokenizer.create(
            {**FugashiTokenizer.get_default_config(), **config},
            model_storage,
            resource,
            execution_context,
        )

    return create
