from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.cases import service
from api.cases.models import Case, CaseStatus
from api.cases.places import parse_area
from api.cases.repository import CaseRepository
from api.cases.resolution import enqueue_resolution
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
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry
from api.conversation.language import citizen_language
from api.conversation.transcript import TranscriptLine, transcript_from_events
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.core.types import utcnow
from api.departments.repository import DepartmentRepository
from api.deps import MAX_OFFSET, CurrentStaff, FactoryDep, ReadSessionDep, SessionDep
from api.faq.knowledge import knowledge_cache
from api.handoff import service as handoff
from api.i18n import translate
from api.outbox import service as outbox
from api.outbox.deps import ChannelsDep, DispatcherDep
from api.outbox.dispatcher import Dispatcher
from api.outbox.models import OutboxDelivery
from api.outbox.schemas import DeliveryOut
from api.sla.service import case_sla
from api.staff.auth import StaffPrincipal

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


Change = Callable[[Session, Case], OutboxDelivery | None]


def _change_and_enqueue(
    factory: sessionmaker[Session], staff: StaffPrincipal, case_number: str, change: Change
) -> tuple[CaseOut, OutboxDelivery | None]:
    """Applies `change` to the case in one short transaction and commits: what is said to the
    citizen is on record, and queued for delivery, in that same transaction."""
    with unit_of_work(factory) as session:
        case = service.get_case(session, staff, case_number)
        delivery = change(session, case)
        return _case_out(session, case), delivery


async def _commit_then_deliver(
    factory: sessionmaker[Session],
    staff: StaffPrincipal,
    case_number: str,
    change: Change,
    background: BackgroundTasks,
    dispatcher: Dispatcher,
) -> CaseOut:
    """The change commits, the answer leaves at once with the delivery `pending`, and the
    dispatcher sends it right after (the poller retries it should that fail). A delivery that
    fails for good shows in the case's history as `delivery_failed`."""
    out, delivery = await run_in_threadpool(
        _change_and_enqueue, factory, staff, case_number, change
    )
    if delivery is not None:
        background.add_task(dispatcher.deliver_now, [delivery.id])
    return out


def _reply(text: str, staff: StaffPrincipal, channels: ChannelRegistry) -> Change:
    """The change that sends `text` to the citizen and records it as a staff reply."""

    def change(session: Session, case: Case) -> OutboxDelivery | None:
        delivery = outbox.enqueue(session, case, [Outgoing(text, "staff")], channels=channels)
        service.record_reply(session, staff, case, text, case.channel)
        return delivery

    return change


def _notice(message_id: str, staff: StaffPrincipal, channels: ChannelRegistry) -> Change:
    """The change that tells the citizen the catalog text `message_id`, in their language."""

    def change(session: Session, case: Case) -> OutboxDelivery | None:
        language = citizen_language(session, case.sender_id, case.language)
        return _reply(translate(language, message_id), staff, channels)(session, case)

    return change


def _case_out(session: Session, case: Case) -> CaseOut:
    department = DepartmentRepository(session).get(case.department_code)
    out = CaseOut.model_validate(case)
    waiting = case.id in handoff.waiting_case_ids(session, [case.id])
    deliveries = [DeliveryOut.model_validate(d) for d in outbox.of_case(session, case.id)]
    return out.model_copy(
        update={
            "sla": case_sla(case, department, utcnow()),
            "live_waiting": waiting,
            "deliveries": deliveries,
        }
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
    case_number: str,
    body: ReplyIn,
    factory: FactoryDep,
    staff: CurrentStaff,
    channels: ChannelsDep,
    dispatcher: DispatcherDep,
    background: BackgroundTasks,
) -> CaseOut:
    """Sends a message to the citizen through the channel the case came from (the web widget
    shows it at once; LINE gets a push) and records it in the case's history. Answers before
    the channel is called: `deliveries` ends with this message, `pending`."""
    change = _reply(body.body, staff, channels)
    return await _commit_then_deliver(factory, staff, case_number, change, background, dispatcher)


@router.post(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "already taken over, or no live conversation"}},
)
async def take_over(
    case_number: str,
    factory: FactoryDep,
    staff: CurrentStaff,
    channels: ChannelsDep,
    dispatcher: DispatcherDep,
    background: BackgroundTasks,
) -> CaseOut:
    """Live handoff: from now on the citizen's messages go to this case's thread and the bot
    stays silent; staff answer with /replies. The citizen is told a person has taken over."""
    tell = _notice(handoff.TAKEN_OVER_ID, staff, channels)

    def change(session: Session, case: Case) -> OutboxDelivery | None:
        handoff.start(session, staff, case)
        return tell(session, case)

    return await _commit_then_deliver(factory, staff, case_number, change, background, dispatcher)


@router.delete(
    "/{case_number}/handoff",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "nobody has taken over this conversation"}},
)
async def hand_back(
    case_number: str,
    factory: FactoryDep,
    staff: CurrentStaff,
    channels: ChannelsDep,
    dispatcher: DispatcherDep,
    background: BackgroundTasks,
) -> CaseOut:
    """Ends the live handoff: the bot answers the citizen again."""
    tell = _notice(handoff.HANDED_BACK_ID, staff, channels)

    def change(session: Session, case: Case) -> OutboxDelivery | None:
        handoff.end(session, staff, case)
        return tell(session, case)

    return await _commit_then_deliver(factory, staff, case_number, change, background, dispatcher)


@router.post(
    "/{case_number}/status",
    response_model=CaseOut,
    responses={
        **_ERRORS,
        409: {"description": "transition not allowed, or the case's LINE user is unknown"},
        422: {"description": "resolving without a message for the citizen"},
        503: {"description": "LINE is not configured (nothing changed)"},
    },
)
async def set_status(
    case_number: str,
    body: StatusIn,
    factory: FactoryDep,
    staff: CurrentStaff,
    channels: ChannelsDep,
    dispatcher: DispatcherDep,
    background: BackgroundTasks,
) -> CaseOut:
    """Changes the status. Resolving sends `message` to the citizen through the case's channel
    (web widget or LINE; nothing for phone cases), records it like a reply, and with `survey`
    asks the citizen, once per case, for a satisfaction survey."""

    def change(session: Session, case: Case) -> OutboxDelivery | None:
        service.change_status(session, staff, case.case_number, body.status, body.message)
        if body.status != CaseStatus.resolved:
            return None
        return enqueue_resolution(
            session,
            case,
            actor=staff.name,
            survey=body.survey,
            channels=channels,
            now=case.resolved_at or utcnow(),
        )

    return await _commit_then_deliver(factory, staff, case_number, change, background, dispatcher)
