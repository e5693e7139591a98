"""Imports every domain's models so that metadata (Alembic, tests) sees all tables."""

from __future__ import annotations


def import_all_models() -> None:
    import api.audit.models
    import api.cases.models
    import api.categories.models
    import api.channels.line.models
    import api.channels.web.models
    import api.conversation.models
    import api.departments.models
    import api.faq.learning_models
    import api.faq.models
    import api.faq.text_vectors
    import api.feedback.models
    import api.handoff.models
    import api.open311.models
    import api.outbox.models
    import api.staff.models
    import api.survey.models  # noqa: F401
