from tests.api.metrics.scenario import scenario  # noqa: F401
