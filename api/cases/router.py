from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from sqlalchemy.orm import Session

from api.cases import service
from api.cases.models import Case, CaseStatus
from api.cases.places import parse_area
from api.cases.repository import CaseRepository
from api.cases.resolution import notify_resolution
from api.cases.schemas import (
    AssignIn,
    CaseList,
    CaseOut,
    CaseSummaryOut,
    CommentIn,
    NewCase,
    PhoneCaseIn,
    ReplyIn,
    StatusIn,
    TransferIn,
)
from api.channels.delivery import deliver_reply
from api.conversation.transcript import TranscriptLine, transcript_from_events
from api.core.errors import AppError
from api.core.types import utcnow
from api.departments.repository import DepartmentRepository
from api.deps import MAX_OFFSET, CurrentStaff, SessionDep
from api.faq.knowledge import knowledge_cache
from api.handoff import service as handoff
from api.sla.service import case_sla
from api.staff.auth import StaffPrincipal

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


async def _send_to_citizen(
    request: Request, session: Session, staff: StaffPrincipal, case: Case, text: str
) -> CaseOut:
    """Delivers `text` through the case's channel and records it in the case's history."""
    channel = await deliver_reply(session, case, text, line=request.app.state.line, author="staff")
    return _case_out(session, service.record_reply(session, staff, case, text, channel))


def _case_out(session: Session, case: Case) -> CaseOut:
    department = DepartmentRepository(session).get(case.department_code)
    out = CaseOut.model_validate(case)
    waiting = case.id in handoff.waiting_case_ids(session, [case.id])
    return out.model_copy(
        update={"sla": case_sla(case, department, utcnow()), "live_waiting": waiting}
    )


_ERRORS = {401: {"description": "missing or invalid token"}, 404: {"description": "no such case"}}


@router.get("", response_model=CaseList, responses={401: _ERRORS[401]})
def list_cases(
    session: SessionDep,
    staff: CurrentStaff,
    department: str | None = None,
    status: CaseStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    bbox: Annotated[str | None, Query(description="area: south,west,north,east")] = None,
    near: Annotated[str | None, Query(description="area: lat,lon (with radius_m)")] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=50_000)] = None,
) -> CaseList:
    try:
        area = parse_area(bbox, near, radius_m)
    except ValueError as error:
        raise AppError(str(error), status_code=422, code="invalid_request") from None
    cases, total = CaseRepository(session).list_readable(
        staff,
        department=department,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
        area=area.where() if area else None,
    )
    departments = {d.code: d for d in DepartmentRepository(session).list()}
    now = utcnow()
    waiting = handoff.waiting_case_ids(session, [case.id for case in cases])
    items = [
        CaseSummaryOut.model_validate(case).model_copy(
            update={
                "sla": case_sla(case, departments.get(case.department_code), now),
                "live_waiting": case.id in waiting,
            }
        )
        for case in cases
    ]
    return CaseList(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "",
    response_model=CaseOut,
    status_code=201,
    responses={401: _ERRORS[401], 404: {"description": "unknown department"}},
)
def open_phone_case(
    body: PhoneCaseIn,
    session: SessionDep,
    staff: CurrentStaff,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> CaseOut:
    """Opens a case from a phone call (channel `phone`), routed like any other when no
    department is given. Send an `Idempotency-Key` header to make a retried request safe."""
    knowledge = knowledge_cache.get(session)
    case, _ = service.open_case(
        session,
        NewCase(
            kind=body.kind,
            channel="phone",
            description=body.description,
            location=body.location,
            contact=body.contact,
            contact_declined=not body.contact,
            department=body.department,
            idempotency_key=f"phone:{staff.name}:{idempotency_key}" if idempotency_key else None,
        ),
        route=knowledge.router.route,
        actor=staff.name,
    )
    return _case_out(session, case)


@router.get("/{case_number}", response_model=CaseOut, responses=_ERRORS)
def read_case(case_number: str, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    return _case_out(session, service.get_case(session, staff, case_number))


@router.get(
    "/{case_number}/transcript",
    response_model=list[TranscriptLine],
    responses={**_ERRORS, 503: {"description": "Rasa is not reachable"}},
)
async def transcript(
    case_number: str, request: Request, session: SessionDep, staff: CurrentStaff
) -> list[TranscriptLine]:
    """The whole conversation that led to the case (and what followed), from Rasa's tracker
    store. Cases opened by phone have none."""
    case = service.get_case(session, staff, case_number)
    if not case.sender_id:
        return []
    return transcript_from_events(await request.app.state.rasa.events(case.sender_id))


@router.post("/{case_number}/assign", response_model=CaseOut, responses=_ERRORS)
def assign(case_number: str, body: AssignIn, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    case = service.assign_case(session, staff, case_number, body.assignee)
    return _case_out(session, case)


@router.post(
    "/{case_number}/transfer",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "same department or resolved case"}},
)
def transfer(
    case_number: str, body: TransferIn, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    case = service.transfer_case(session, staff, case_number, body.department, body.reason)
    return _case_out(session, case)


@router.post("/{case_number}/comments", response_model=CaseOut, responses=_ERRORS)
def comment(case_number: str, body: CommentIn, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    return _case_out(session, service.comment_case(session, staff, case_number, body.body))


@router.post(
    "/{case_number}/replies",
    response_model=CaseOut,
    responses={
        **_ERRORS,
        409: {
            "description": "the case has no conversation to reply to, or its channel cannot "
            "carry replies (phone: call the citizen back)"
        },
    },
)
async def reply(
    case_number: str, body: ReplyIn, request: Request, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    """Sends a message to the citizen through the channel the case came from (the web widget
    shows it at once; LINE gets a push) and records it in the case's history."""
    case = service.get_case(session, staff, case_number)
    return await _send_to_citizen(request, session, staff, case, body.body)


@router.post(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "already taken over, or no live conversation"}},
)
async def take_over(
    case_number: str, request: Request, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    """Live handoff: from now on the citizen's messages go to this case's thread and the bot
    stays silent; staff answer with /replies. The citizen is told a person has taken over."""
    case = service.get_case(session, staff, case_number)
    handoff.start(session, staff, case)
    return await _send_to_citizen(request, session, staff, case, handoff.TAKEN_OVER)


@router.delete(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "nobody has taken over this conversation"}},
)
async def hand_back(
    case_number: str, request: Request, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    """Ends the live handoff: the bot answers the citizen again."""
    case = service.get_case(session, staff, case_number)
    handoff.end(session, staff, case)
    return await _send_to_citizen(request, session, staff, case, handoff.HANDED_BACK)


@router.post(
    "/{case_number}/status",
    response_model=CaseOut,
    responses={
        **_ERRORS,
        409: {"description": "transition not allowed, or the case's LINE user is unknown"},
        422: {"description": "resolving without a message for the citizen"},
        503: {"description": "LINE did not take the resolution message"},
    },
)
async def set_status(
    case_number: str, body: StatusIn, request: Request, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    """Changes the status. Resolving sends `message` to the citizen through the case's channel
    (web widget or LINE; nothing for phone cases), records it like a reply, and with `survey`
    asks the citizen, once per case, for a satisfaction survey."""
    case = service.change_status(session, staff, case_number, body.status, body.message)
    if body.status == CaseStatus.resolved:
        await notify_resolution(
            session,
            case,
            actor=staff.name,
            survey=body.survey,
            line=request.app.state.line,
            now=case.resolved_at or utcnow(),
        )
    return _case_out(session, case)
