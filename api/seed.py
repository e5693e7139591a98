"""Loads a city's directory and FAQ (by default the demo city) into an empty database."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session

from api.categories.service import read_categories, upsert_categories
from api.departments.repository import DepartmentRepository
from api.departments.service import read_directory, upsert_departments
from api.faq.csv_format import read_faq_csv
from api.faq.service import upsert_faq

logger = logging.getLogger(__name__)


def load_city(session: Session, city_dir: Path) -> tuple[int, int]:
    """Writes departments.yml and faq.csv of `city_dir`; returns (departments, faq entries)."""
    departments = upsert_departments(session, read_directory(city_dir / "departments.yml"))
    upsert_categories(session, read_categories(city_dir / "departments.yml"))
    records, errors = read_faq_csv(city_dir / "faq.csv")
    for error in errors:
        logger.warning("%s line %d skipped: %s", city_dir / "faq.csv", error.line, error.reason)
    return departments, upsert_faq(session, records)


def seed_if_empty(session: Session, city_dir: Path) -> bool:
    if DepartmentRepository(session).count() > 0:
        return False
    departments, entries = load_city(session, city_dir)
    logger.info("loaded %d departments and %d FAQ entries from %s", departments, entries, city_dir)
    return True
