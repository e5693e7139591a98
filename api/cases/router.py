from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.cases import service
from api.cases.models import Case, CaseStatus
from api.cases.places import parse_area
from api.cases.repository import CaseRepository
from api.cases.resolution import prepare_resolution
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
from api.channels.delivery import Outgoing, PendingPush, prepare_messages
from api.channels.line.channel import LineChannel
from api.conversation.transcript import TranscriptLine, transcript_from_events
from api.core.db import unit_of_work
from api.core.errors import AppError, ServiceUnavailableError
from api.core.types import utcnow
from api.departments.repository import DepartmentRepository
from api.deps import MAX_OFFSET, CurrentStaff, FactoryDep, ReadSessionDep, SessionDep
from api.faq.knowledge import knowledge_cache
from api.handoff import service as handoff
from api.sla.service import case_sla
from api.staff.auth import StaffPrincipal

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


class LineDeliveryFailedError(ServiceUnavailableError):
    code = "line_delivery_failed"


def _change_and_prepare(
    factory: sessionmaker[Session],
    staff: StaffPrincipal,
    case_number: str,
    change: Callable[[Session, Case], PendingPush | None],
) -> tuple[CaseOut, PendingPush | None]:
    """Applies `change` to the case in one short transaction and commits: what is said to the
    citizen is on record (and in the widget's outbox) before any LINE push is sent."""
    with unit_of_work(factory) as session:
        case = service.get_case(session, staff, case_number)
        push = change(session, case)
        return _case_out(session, case), push


async def _commit_then_push(
    factory: sessionmaker[Session],
    staff: StaffPrincipal,
    case_number: str,
    change: Callable[[Session, Case], PendingPush | None],
) -> CaseOut:
    """The change committed first, then the push (never a network call inside a transaction).
    Should LINE refuse it, the change stands, the case's history says the message did not
    reach the citizen, and the answer is 503 `line_delivery_failed` saying so."""
    out, push = await run_in_threadpool(_change_and_prepare, factory, staff, case_number, change)
    if push is None:
        return out
    try:
        await push.send()
    except AppError as error:
        await run_in_threadpool(_record_undelivered, factory, case_number, error)
        raise LineDeliveryFailedError(
            f"case {case_number} was saved, but LINE did not take the message ({error.message}); "
            f"send it again as a reply"
        ) from error
    return out


def _record_undelivered(factory: sessionmaker[Session], case_number: str, error: AppError) -> None:
    with unit_of_work(factory) as session:
        service.record_undelivered(session, case_number, error.code)


def _reply(text: str, staff: StaffPrincipal, line: LineChannel | None):  # type: ignore[no-untyped-def]
    """The change that sends `text` to the citizen and records it as a staff reply."""

    def change(session: Session, case: Case) -> PendingPush | None:
        push = prepare_messages(session, case, [Outgoing(text, "staff")], line=line)
        service.record_reply(session, staff, case, text, case.channel)
        return push

    return change


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
    session: ReadSessionDep,
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
def read_case(case_number: str, session: ReadSessionDep, staff: CurrentStaff) -> CaseOut:
    return _case_out(session, service.get_case(session, staff, case_number))


@router.get(
    "/{case_number}/transcript",
    response_model=list[TranscriptLine],
    responses={**_ERRORS, 503: {"description": "Rasa is not reachable"}},
)
async def transcript(
    case_number: str, request: Request, factory: FactoryDep, staff: CurrentStaff
) -> list[TranscriptLine]:
    """The whole conversation that led to the case (and what followed), from Rasa's tracker
    store. Cases opened by phone have none."""

    def sender_of_case() -> str | None:
        with unit_of_work(factory, write=False) as session:
            return service.get_case(session, staff, case_number).sender_id

    sender = await run_in_threadpool(sender_of_case)
    if not sender:
        return []
    return transcript_from_events(await request.app.state.rasa.events(sender))


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
    case_number: str, body: ReplyIn, request: Request, factory: FactoryDep, staff: CurrentStaff
) -> CaseOut:
    """Sends a message to the citizen through the channel the case came from (the web widget
    shows it at once; LINE gets a push) and records it in the case's history."""
    change = _reply(body.body, staff, request.app.state.line)
    return await _commit_then_push(factory, staff, case_number, change)


@router.post(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "already taken over, or no live conversation"}},
)
async def take_over(
    case_number: str, request: Request, factory: FactoryDep, staff: CurrentStaff
) -> CaseOut:
    """Live handoff: from now on the citizen's messages go to this case's thread and the bot
    stays silent; staff answer with /replies. The citizen is told a person has taken over."""
    tell = _reply(handoff.TAKEN_OVER, staff, request.app.state.line)

    def change(session: Session, case: Case) -> PendingPush | None:
        handoff.start(session, staff, case)
        return tell(session, case)

    return await _commit_then_push(factory, staff, case_number, change)


@router.delete(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "nobody has taken over this conversation"}},
)
async def hand_back(
    case_number: str, request: Request, factory: FactoryDep, staff: CurrentStaff
) -> CaseOut:
    """Ends the live handoff: the bot answers the citizen again."""
    tell = _reply(handoff.HANDED_BACK, staff, request.app.state.line)

    def change(session: Session, case: Case) -> PendingPush | None:
        handoff.end(session, staff, case)
        return tell(session, case)

    return await _commit_then_push(factory, staff, case_number, change)


@router.post(
    "/{case_number}/status",
    response_model=CaseOut,
    responses={
        **_ERRORS,
        409: {"description": "transition not allowed, or the case's LINE user is unknown"},
        422: {"description": "resolving without a message for the citizen"},
        503: {
            "description": "LINE is not configured (nothing changed), or LINE did not take "
            "the resolution message (the case is resolved; its history says so)"
        },
    },
)
async def set_status(
    case_number: str, body: StatusIn, request: Request, factory: FactoryDep, staff: CurrentStaff
) -> CaseOut:
    """Changes the status. Resolving sends `message` to the citizen through the case's channel
    (web widget or LINE; nothing for phone cases), records it like a reply, and with `survey`
    asks the citizen, once per case, for a satisfaction survey."""

    def change(session: Session, case: Case) -> PendingPush | None:
        service.change_status(session, staff, case.case_number, body.status, body.message)
        if body.status != CaseStatus.resolved:
            return None
        return prepare_resolution(
            session,
            case,
            actor=staff.name,
            survey=body.survey,
            line=request.app.state.line,
            now=case.resolved_at or utcnow(),
        )

    return await _commit_then_push(factory, staff, case_number, change)
