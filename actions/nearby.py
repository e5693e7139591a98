"""「もう報告されていませんか？」: before a report with a point is opened, the open cases of the
same department within the nearby radius are offered (the kind of problem, distance, date,
status: nothing another citizen wrote). 「同じものです」 adds the report to that case instead of
opening a new one; 「別の件です」 opens it as usual.

Called from action_open_case (actions/cases.py); the answers are payload buttons:
/same_report{"case_number": …} → action_link_same_report, /different_report → action_open_case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from actions import messages
from actions.protocol import ActionResult, button, slot_set, text
from actions.registry import ActionContext, registry
from api.cases.links import record_same_report
from api.cases.models import CaseStatus
from api.cases.numbering import find_case_number
from api.cases.places import nearby_open_cases
from api.cases.repository import CaseRepository
from api.categories.models import ReportCategory
from api.departments.repository import DepartmentRepository
from api.open311.models import Open311Request
from api.routing import RoutingDecision

SAME = "same_report"
DIFFERENT = "different_report"
MAX_OFFERED = 3
JAPAN = ZoneInfo("Asia/Tokyo")


def offer_nearby(
    ctx: ActionContext,
    *,
    form: str,
    latitude: float | None,
    longitude: float | None,
    triage_text: str,
    route: Callable[[str], RoutingDecision],
    idempotency_key: str,
) -> ActionResult | None:
    """The question to ask instead of opening the case, or None to open it now."""
    tracker = ctx.tracker
    if form != "report_form" or latitude is None or longitude is None:
        return None
    if tracker.latest_intent == DIFFERENT:
        return None  # the citizen said it is another problem
    repository = CaseRepository(ctx.session)
    if repository.by_idempotency_key(idempotency_key) is not None:
        return None  # Rasa runs the action again: the case exists, open_case returns it
    department = route(triage_text).department
    found = nearby_open_cases(ctx.session, latitude, longitude, department)[:MAX_OFFERED]
    if not found:
        return None
    department_name = _department_name(ctx, department)
    lines = [messages.NEARBY_OFFER]
    buttons = []
    for index, nearby in enumerate(found, start=1):
        case = nearby.case
        lines.append(
            messages.NEARBY_LINE.format(
                index=index,
                what=_what(ctx, case.id) or department_name,
                distance=max(10, round(nearby.distance_m / 10) * 10),
                date=_date(case.created_at),
                status=messages.NEARBY_STATUS.get(case.status, "対応中"),
            )
        )
        title = (
            messages.NEARBY_SAME_ONE
            if len(found) == 1
            else messages.NEARBY_SAME_OF.format(index=index)
        )
        buttons.append(button(title, f'/{SAME}{{"case_number": "{case.case_number}"}}'))
    buttons.append(button(messages.NEARBY_DIFFERENT, f"/{DIFFERENT}"))
    return ActionResult(responses=[text("\n".join(lines), buttons)])


def _date(moment: datetime) -> str:
    local = moment.astimezone(JAPAN)
    return f"{local.month}月{local.day}日"


def _what(ctx: ActionContext, case_id: int) -> str | None:
    """The category of a case posted through Open311 (chat cases carry none)."""
    posted = ctx.session.get(Open311Request, case_id)
    category = ctx.session.get(ReportCategory, posted.service_code) if posted else None
    return category.name if category else None


def _department_name(ctx: ActionContext, code: str | None) -> str:
    department = DepartmentRepository(ctx.session).get(code) if code else None
    return department.name if department else "担当課"


@registry.register("action_link_same_report")
def link_same_report(ctx: ActionContext) -> ActionResult:
    """The citizen's report is the same as an open case: noted on that case, no new case."""
    from actions.cases import open_case_action, reset_case_slots

    number = find_case_number(ctx.tracker.latest_entity("case_number") or "")
    case = CaseRepository(ctx.session).by_number(number) if number else None
    if case is None or case.status == CaseStatus.resolved.value:
        opened = open_case_action(ctx)
        return ActionResult(
            responses=[text(messages.NEARBY_GONE), *opened.responses], events=opened.events
        )
    record_same_report(ctx.session, case, ctx.tracker.channel)
    reply = messages.NEARBY_LINKED.format(
        number=case.case_number, department=_department_name(ctx, case.department_code)
    )
    return ActionResult(
        responses=[text(reply)],
        events=[*reset_case_slots(), slot_set("last_case_number", case.case_number)],
    )
