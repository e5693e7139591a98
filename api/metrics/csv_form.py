"""The metrics document as CSV: one row per figure, the same names as in the JSON."""

from __future__ import annotations

import csv
import io

from api.metrics.schema import Criteria, Figure, MetricsDocument

COLUMNS = (
    "schema_version",
    "from",
    "to",
    "department",
    "section",
    "figure",
    "value",
    "unit",
    "numerator",
    "denominator",
)


def _criteria_rows(criteria: Criteria) -> list[tuple[str, str, Figure]]:
    rows = []
    for section, block in criteria:
        for name, figure in block:
            rows.append((f"criteria.{section}", name, figure))
    return rows


def to_csv(document: MetricsDocument) -> str:
    """Figures of the city (department column empty) and of each department."""
    head = (document.schema_version, str(document.period.from_), str(document.period.to))
    rows: list[tuple[str, str, str, Figure]] = [
        ("", section, name, figure) for section, name, figure in _criteria_rows(document.criteria)
    ]
    for name, value in document.activity:
        if isinstance(value, Figure):
            rows.append(("", "activity", name, value))
        else:
            rows.extend(
                ("", f"activity.{name}", key, Figure(value=n, unit="count"))
                for key, n in value.items()
            )
    for department in document.departments:
        rows.append(
            (
                department.code,
                "activity",
                "cases_opened",
                Figure(value=department.cases_opened, unit="count"),
            )
        )
        rows.append(
            (department.code, "activity", "transfers_per_case", department.transfers_per_case)
        )
        rows.extend(
            (department.code, section, name, figure)
            for section, name, figure in _criteria_rows(department.criteria)
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for department, section, name, figure in rows:
        writer.writerow(
            (
                *head,
                department,
                section,
                name,
                "" if figure.value is None else figure.value,
                figure.unit,
                "" if figure.numerator is None else figure.numerator,
                "" if figure.denominator is None else figure.denominator,
            )
        )
    return out.getvalue()
