from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from api.categories.schemas import CategoryIn
from api.categories.service import upsert_categories
from api.open311 import keys


def demo_categories() -> list[CategoryIn]:
    return [
        CategoryIn(
            code="road_damage",
            name="道路の穴・陥没・段差",
            department="roads",
            description="市道の舗装の穴、陥没、段差",
            keywords=["道路", "穴", "陥没"],
        ),
        CategoryIn.model_validate(
            {
                "code": "illegal_dumping",
                "name": "不法投棄",
                "department": "waste",
                "keywords": ["不法投棄"],
                "attributes": [
                    {
                        "code": "waste_type",
                        "description": "捨てられているものの種類",
                        "datatype": "singlevaluelist",
                        "required": True,
                        "values": [
                            {"key": "bulky", "name": "粗大ごみ・家具"},
                            {"key": "appliance", "name": "家電製品"},
                        ],
                    },
                    {"code": "count", "description": "個数", "datatype": "number"},
                ],
            }
        ),
    ]


@pytest.fixture
def services(seeded: Session) -> Session:
    upsert_categories(seeded, demo_categories())
    seeded.commit()
    return seeded


@pytest.fixture
def api_key(services: Session) -> str:
    _, key = keys.issue_key(services, "fixmystreet-test", requests_per_minute=100, actor="test")
    services.commit()
    return key
