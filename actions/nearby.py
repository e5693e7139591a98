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

from actions.language import reply_language
from actions.messages import say
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
NEARBY_STATUSES = ("new", "in_progress", "waiting_citizen")
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
    language = reply_language(ctx)
    department_name = _department_name(ctx, department, language)
    lines = [say(language, "nearby_offer")]
    buttons = []
    for index, nearby in enumerate(found, start=1):
        case = nearby.case
        status = case.status if case.status in NEARBY_STATUSES else "in_progress"
        lines.append(
            say(
                language,
                "nearby_line",
                index=index,
                what=_what(ctx, case.id) or department_name,
                distance=max(10, round(nearby.distance_m / 10) * 10),
                date=_date(case.created_at, language),
                status=say(language, f"nearby_status.{status}"),
            )
        )
        title = (
            say(language, "nearby_same_one")
            if len(found) == 1
            else say(language, "nearby_same_of", index=index)
        )
        buttons.append(button(title, f'/{SAME}{{"case_number": "{case.case_number}"}}'))
    buttons.append(button(say(language, "nearby_different"), f"/{DIFFERENT}"))
    return ActionResult(responses=[text("\n".join(lines), buttons)])


def _date(moment: datetime, language: str) -> str:
    local = moment.astimezone(JAPAN)
    return say(language, "date.month_day", month=local.month, day=local.day)


def _what(ctx: ActionContext, case_id: int) -> str | None:
    """The category of a case posted through Open311 (chat cases carry none)."""
    posted = ctx.session.get(Open311Request, case_id)
    category = ctx.session.get(ReportCategory, posted.service_code) if posted else None
    return category.name if category else None


def _department_name(ctx: ActionContext, code: str | None, language: str) -> str:
    department = DepartmentRepository(ctx.session).get(code) if code else None
    return department.name_in(language) if department else say(language, "nearby_department")


@registry.register("action_link_same_report")
def link_same_report(ctx: ActionContext) -> ActionResult:
    """The citizen's report is the same as an open case: noted on that case, no new case."""
    from actions.cases import department_label, open_case_action, reset_case_slots

    language = reply_language(ctx)
    number = find_case_number(ctx.tracker.latest_entity("case_number") or "")
    case = CaseRepository(ctx.session).by_number(number) if number else None
    if case is None or case.status == CaseStatus.resolved.value:
        opened = open_case_action(ctx)
        gone = say(language, "nearby_gone")
        return ActionResult(responses=[text(gone), *opened.responses], events=opened.events)
    record_same_report(ctx.session, case, ctx.tracker.channel)
    # The case is another citizen's: its status is theirs (the lookup asks for their access
    # code), so this citizen is given the department to ask, not a lookup that refuses them.
    reply = say(
        language,
        "nearby_linked",
        number=case.case_number,
        department=_department_name(ctx, case.department_code, language),
        contact=department_label(ctx, case.department_code, language)
        if case.department_code
        else _department_name(ctx, None, language),
    )
    return ActionResult(
        responses=[text(reply)],
        events=[*reset_case_slots(), slot_set("last_case_number", case.case_number)],
    )
