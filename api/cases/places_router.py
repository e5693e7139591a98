"""A case's place for staff (its point, a map link, nearby open cases drawn relative to it)
and its duplicate links."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.cases import links, service
from api.cases.models import Case
from api.cases.places import nearby_open_cases, point_out
from api.cases.repository import readable_cases
from api.core.config import get_settings
from api.deps import CurrentStaff, ReadSessionDep, SessionDep
from api.staff.auth import StaffPrincipal

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
_ERRORS = {401: {"description": "missing or invalid token"}, 404: {"description": "no such case"}}


class Point(BaseModel):
    latitude: float
    longitude: float
    map_url: str


class NearbyOut(BaseModel):
    case_number: str
    status: str
    department: str
    summary: str
    created_at: datetime
    distance_m: float
    east_m: float = Field(description="metres east of the case's point (negative: west)")
    north_m: float = Field(description="metres north of the case's point (negative: south)")
    same_department: bool


class PlaceOut(BaseModel):
    case_number: str
    location: str | None
    point: Point | None
    radius_m: float
    nearby: list[NearbyOut]
    duplicate_of: str | None
    duplicates: list[str]


class DuplicateIn(BaseModel):
    case_number: str = Field(min_length=1, max_length=16, description="the original case")


def _place(session: Session, staff: StaffPrincipal, case: Case) -> PlaceOut:
    radius = get_settings().nearby_radius_m
    nearby = []
    if case.latitude is not None and case.longitude is not None:
        # Every department the staff member may see: the same problem reported to two
        # departments is what 縦割り hides.
        scope = readable_cases(staff).whereclause
        for found in nearby_open_cases(
            session,
            case.latitude,
            case.longitude,
            None,
            radius,
            exclude_case_id=case.id,
            scope=scope,
        ):
            other = found.case
            nearby.append(
                NearbyOut(
                    case_number=other.case_number,
                    status=other.status,
                    department=other.department_code,
                    summary=other.summary,
                    created_at=other.created_at,
                    distance_m=round(found.distance_m, 1),
                    east_m=round(found.east_m, 1),
                    north_m=round(found.north_m, 1),
                    same_department=other.department_code == case.department_code,
                )
            )
    original = links.original_of(session, case)
    return PlaceOut(
        case_number=case.case_number,
        location=case.location,
        point=point_out(case),
        radius_m=radius,
        nearby=nearby,
        duplicate_of=original.case_number if original else None,
        duplicates=[d.case_number for d in links.duplicates_of(session, case)],
    )


@router.get("/{case_number}/place", response_model=PlaceOut, responses=_ERRORS)
def place(case_number: str, session: ReadSessionDep, staff: CurrentStaff) -> PlaceOut:
    """The case's point with a link to the city's map service, the open cases within the
    nearby radius (any department the staff member may see), and its duplicate links."""
    return _place(session, staff, service.get_case(session, staff, case_number))


@router.post(
    "/{case_number}/duplicate-of",
    response_model=PlaceOut,
    responses={**_ERRORS, 409: {"description": "already linked, or it has duplicates"}},
)
def link(case_number: str, body: DuplicateIn, session: SessionDep, staff: CurrentStaff) -> PlaceOut:
    """Marks the case as a duplicate of another (linking to a duplicate links to its
    original). Recorded in both cases' histories."""
    case = links.link_duplicate(session, staff, case_number, body.case_number)
    return _place(session, staff, case)


@router.delete(
    "/{case_number}/duplicate-of",
    response_model=PlaceOut,
    responses={**_ERRORS, 409: {"description": "not linked"}},
)
def unlink(case_number: str, session: SessionDep, staff: CurrentStaff) -> PlaceOut:
    case = links.unlink_duplicate(session, staff, case_number)
    return _place(session, staff, case)
