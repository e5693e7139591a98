"""Cases as points on the ground: distances, nearby open cases, areas of the staff queue.

Distances are great-circle (haversine) on the WGS 84 mean radius. Queries first cut a
bounding box in SQL (plain comparisons on an indexed column: the same on SQLite and
PostgreSQL, no spatial extension), then measure exactly in Python."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseStatus
from api.categories.models import ReportCategory
from api.core.config import get_settings

EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180  # along a meridian
NEARBY_LIMIT = 20


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def offset_m(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    """(east, north) metres of a point from another: a local plane, exact enough within a
    city, used to draw cases relative to each other."""
    north = (lat - lat0) * _METRES_PER_DEGREE
    east = (lon - lon0) * _METRES_PER_DEGREE * math.cos(math.radians(lat0))
    return east, north


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, lat: float, lon: float, radius_m: float) -> BoundingBox:
        dlat = radius_m / _METRES_PER_DEGREE
        # Near the poles a degree of longitude shrinks to nothing: take the whole circle.
        cos_lat = max(math.cos(math.radians(lat)), 1e-6)
        dlon = min(180.0, radius_m / (_METRES_PER_DEGREE * cos_lat))
        return cls(lat - dlat, lon - dlon, lat + dlat, lon + dlon)

    def where(self) -> ColumnElement[bool]:
        return and_(
            Case.latitude.is_not(None),
            Case.latitude.between(self.south, self.north),
            Case.longitude.between(self.west, self.east),
        )


@dataclass(frozen=True)
class NearbyCase:
    case: Case
    distance_m: float
    east_m: float
    north_m: float


def department_of(session: Session, department_or_category: str) -> str:
    """A category code stands for its department: cases from the chat carry a department,
    not always a category."""
    category = session.get(ReportCategory, department_or_category)
    return category.department_code if category is not None else department_or_category


def _measure(lat: float, lon: float, cases: Iterable[Case], radius_m: float) -> list[NearbyCase]:
    found = []
    for case in cases:
        assert case.latitude is not None and case.longitude is not None
        distance = distance_m(lat, lon, case.latitude, case.longitude)
        if distance <= radius_m:
            east, north = offset_m(lat, lon, case.latitude, case.longitude)
            found.append(NearbyCase(case, distance, east, north))
    found.sort(key=lambda n: (n.distance_m, n.case.id))
    return found[:NEARBY_LIMIT]


def nearby_open_cases(
    session: Session,
    lat: float,
    lon: float,
    department_or_category: str | None,
    radius_m: float | None = None,
    *,
    exclude_case_id: int | None = None,
    scope: ColumnElement[bool] | None = None,
) -> list[NearbyCase]:
    """Open (not resolved) cases with a point within `radius_m` (the setting
    MADOGUCHI_NEARBY_RADIUS_M by default) of the department, or of the category's
    department (None: any department), nearest first. `scope` narrows further (the staff
    member's departments)."""
    radius = radius_m if radius_m is not None else get_settings().nearby_radius_m
    statement = select(Case).where(
        BoundingBox.around(lat, lon, radius).where(),
        Case.status != CaseStatus.resolved.value,
    )
    if department_or_category:
        statement = statement.where(
            Case.department_code == department_of(session, department_or_category)
        )
    if exclude_case_id is not None:
        statement = statement.where(Case.id != exclude_case_id)
    if scope is not None:
        statement = statement.where(scope)
    return _measure(lat, lon, session.scalars(statement), radius)


@dataclass(frozen=True)
class Area:
    """A part of the city for the staff queue: a box, or a circle around a point."""

    box: BoundingBox
    centre: tuple[float, float] | None = None
    radius_m: float | None = None

    def where(self) -> ColumnElement[bool]:
        condition = self.box.where()
        if self.centre is None or self.radius_m is None:
            return condition
        # The circle in SQL as a local plane (equirectangular): plain arithmetic, so the
        # queue's count and pages stay exact on both databases.
        lat0, lon0 = self.centre
        kx = _METRES_PER_DEGREE * math.cos(math.radians(lat0))
        ky = _METRES_PER_DEGREE
        dx = (Case.longitude - lon0) * kx
        dy = (Case.latitude - lat0) * ky
        return and_(condition, dx * dx + dy * dy <= self.radius_m**2)


def parse_area(bbox: str | None, near: str | None, radius_m: float | None) -> Area | None:
    """`bbox=south,west,north,east` or `near=lat,lon` (with `radius_m`, default the nearby
    radius). Raises ValueError with the reason."""
    if bbox and near:
        raise ValueError("give bbox or near, not both")
    if bbox:
        south, west, north, east = _numbers(bbox, 4, "bbox")
        if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
            raise ValueError("bbox must be south,west,north,east with south ≤ north, west ≤ east")
        return Area(BoundingBox(south, west, north, east))
    if near:
        lat, lon = _numbers(near, 2, "near")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("near must be a latitude and a longitude")
        radius = radius_m if radius_m is not None else get_settings().nearby_radius_m
        return Area(BoundingBox.around(lat, lon, radius), (lat, lon), radius)
    if radius_m is not None:
        raise ValueError("radius_m needs near=lat,lon")
    return None


def _numbers(raw: str, count: int, name: str) -> list[float]:
    parts = raw.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"{name} must be {count} comma-separated numbers") from None
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise ValueError(f"{name} must be {count} comma-separated numbers")
    return numbers


def map_url(lat: float, lon: float, template: str | None = None) -> str:
    """The point in the city's usual map service (MADOGUCHI_MAP_URL_TEMPLATE)."""
    template = template or get_settings().map_url_template
    return template.replace("{lat}", f"{lat:.6f}").replace("{lon}", f"{lon:.6f}")


def point_out(case: Case) -> dict[str, Any] | None:
    if case.latitude is None or case.longitude is None:
        return None
    return {
        "latitude": case.latitude,
        "longitude": case.longitude,
        "map_url": map_url(case.latitude, case.longitude),
    }
