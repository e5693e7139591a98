"""English reports are routed like Japanese ones: the demo city's directory lists English
keywords per department (data, demo_city/departments.yml), and the same router uses them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from api.faq.knowledge import Knowledge, knowledge_cache
from api.seed import load_city
from tests.conftest import REPO_ROOT


@pytest.fixture
def demo_knowledge(session: Session) -> Knowledge:
    load_city(session, REPO_ROOT / "demo_city")
    session.commit()
    return knowledge_cache.get(session)


@pytest.mark.parametrize(
    ("report", "department"),
    [
        ("There is a big pothole in the road near the station", "roads"),
        ("The streetlight in front of my house has been out for a week", "roads"),
        ("Someone is doing illegal dumping of old tires by the river", "waste"),
        ("The swing in the playground is broken", "parks"),
        ("緑町3丁目の道路に穴があいています", "roads"),
        ("I want to talk to someone about my tax", "tax_resident"),
        ("I have a question about my property tax", "tax_property"),
        ("I want to ask about my national health insurance", "insurance"),
        ("My child could not get into a nursery school", "childcare"),
        ("Where is the evacuation shelter?", "disaster"),
        ("How do I get a library card?", "library"),
    ],
)
def test_an_english_report_reaches_the_department_that_handles_it(
    demo_knowledge: Knowledge, report: str, department: str
) -> None:
    assert demo_knowledge.router.route(report).department == department
