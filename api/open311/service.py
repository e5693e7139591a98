"""GeoReport v2 resources built from madoguchi's own: services are the report categories of
the department directory, a service request is a case (its id is the case number).

Only cases posted through Open311 are published by GET requests, with the description
masked when it was posted: what a citizen told the chat, LINE or the phone stays private.
Contact fields go to the case for staff and never back out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases import service as cases
from api.cases.models import Case, CaseKind, CaseLink, CaseStatus
from api.cases.numbering import JAPAN
from api.cases.schemas import NewCase
from api.categories.models import ReportCategory
from api.categories.service import get_category, list_categories
from api.core.types import utcnow
from api.departments.models import Department
from api.i18n import SOURCE_LOCALE, translate
from api.open311.formats import Open311Error
from api.open311.models import Open311Client, Open311Request

CHANNEL = "open311"
MAX_DESCRIPTION = 4000  # the spec's limit
MAX_SPAN = timedelta(days=90)  # the spec's default window and widest date range
MAX_RESULTS = 1000  # the spec's default limit
_MAX_FIELD = 200


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(JAPAN).isoformat(timespec="seconds") if moment else None


def check_jurisdiction(configured: str | None, given: str | None) -> None:
    if configured and given and given != configured:
        raise Open311Error(404, f"jurisdiction_id {given!r} is not served here")


# --- services -------------------------------------------------------------------------------


def _departments(session: Session) -> dict[str, Department]:
    return {d.code: d for d in session.scalars(select(Department))}


def services(session: Session) -> list[dict[str, Any]]:
    departments = _departments(session)
    out = []
    for category in list_categories(session):
        department = departments.get(category.department_code)
        out.append(
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": category.description,
                "metadata": bool(category.attributes),
                "type": "realtime",
                "keywords": ",".join(category.keywords),
                # The department that handles it: the city's own way of grouping reports.
                "group": department.name if department else category.department_code,
            }
        )
    return out


def service_definition(session: Session, service_code: str) -> dict[str, Any]:
    category = get_category(session, service_code)
    if category is None:
        raise Open311Error(404, f"service_code {service_code!r} is not a service of this city")
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute["code"],
                "datatype": attribute.get("datatype", "string"),
                "required": bool(attribute.get("required", False)),
                "datatype_description": attribute.get("datatype_description") or "",
                "order": order,
                "description": attribute["description"],
                "values": [
                    {"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])
                ],
            }
            for order, attribute in enumerate(category.attributes, start=1)
        ],
    }


# --- POST requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PostedRequest:
    """A validated POST requests body."""

    category: ReportCategory
    description: str
    latitude: float | None
    longitude: float | None
    address_string: str | None
    media_url: str | None
    contact: str | None
    attributes: dict[str, str | list[str]]


def _one(form: Mapping[str, Sequence[str]], name: str, limit: int = _MAX_FIELD) -> str | None:
    values = form.get(name) or []
    value = values[0].strip() if values else ""
    if len(value) > limit:
        raise Open311Error(400, f"{name} is longer than {limit} characters")
    return value or None


def _coordinate(form: Mapping[str, Sequence[str]], name: str, bound: float) -> float | None:
    raw = _one(form, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a decimal number (WGS 84)") from None
    if not -bound <= value <= bound:
        raise Open311Error(400, f"{name} must be between -{bound:g} and {bound:g}")
    return value


def _attributes(
    category: ReportCategory, form: Mapping[str, Sequence[str]]
) -> dict[str, str | list[str]]:
    """attribute[CODE]=value pairs, checked against the service definition."""
    defined = {a["code"]: a for a in category.attributes}
    given: dict[str, list[str]] = {}
    for name, values in form.items():
        if not name.startswith("attribute["):
            continue
        code = name[len("attribute[") :].removesuffix("[]").removesuffix("]")
        if code not in defined:
            raise Open311Error(400, f"attribute {code!r} is not defined for {category.code}")
        given.setdefault(code, []).extend(v.strip() for v in values if v.strip())
    out: dict[str, str | list[str]] = {}
    for code, attribute in defined.items():
        values = given.get(code, [])
        if not values:
            if attribute.get("required"):
                raise Open311Error(400, f"attribute[{code}] is required for {category.code}")
            continue
        datatype = attribute.get("datatype", "string")
        if datatype.endswith("valuelist"):
            keys = {v["key"] for v in attribute.get("values", [])}
            unknown = [v for v in values if v not in keys]
            if unknown:
                raise Open311Error(
                    400, f"attribute[{code}] must be one of {', '.join(sorted(keys))}"
                )
            if datatype == "singlevaluelist" and len(values) > 1:
                raise Open311Error(400, f"attribute[{code}] takes one value")
        elif datatype == "number":
            try:
                float(values[0])
            except ValueError:
                raise Open311Error(400, f"attribute[{code}] must be a number") from None
        if len(values[0]) > MAX_DESCRIPTION:
            raise Open311Error(400, f"attribute[{code}] is too long")
        out[code] = values if datatype == "multivaluelist" else values[0]
    return out


def parse_post(session: Session, form: Mapping[str, Sequence[str]]) -> PostedRequest:
    code = _one(form, "service_code")
    if code is None:
        raise Open311Error(400, "service_code is required")
    category = get_category(session, code)
    if category is None:
        raise Open311Error(400, f"service_code {code!r} is not a service of this city")
    latitude = _coordinate(form, "lat", 90)
    longitude = _coordinate(form, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, "lat and long go together")
    address = _one(form, "address_string", 1000)
    address_id = _one(form, "address_id")
    if latitude is None and address is None:
        detail = " (address_id is not supported: send address_string)" if address_id else ""
        raise Open311Error(400, f"a location is required: lat and long, or address_string{detail}")
    media_url = _one(form, "media_url", 2000)
    if media_url and (
        urlsplit(media_url).scheme not in ("http", "https") or "://" not in media_url
    ):
        raise Open311Error(400, "media_url must be an http or https URL")
    email = _one(form, "email")
    if email and ("@" not in email or " " in email):
        raise Open311Error(400, "email is not an e-mail address")
    name = " ".join(n for n in (_one(form, "last_name"), _one(form, "first_name")) if n)
    contact = " / ".join(p for p in (name, email, _one(form, "phone", 40)) if p) or None
    return PostedRequest(
        category=category,
        description=_one(form, "description", MAX_DESCRIPTION) or category.name,
        latitude=latitude,
        longitude=longitude,
        address_string=address,
        media_url=media_url,
        contact=contact[:300] if contact else None,
        attributes=_attributes(category, form),
    )


def _for_staff(posted: PostedRequest) -> str:
    """The description with the answers to the category's questions, as staff read it."""
    lines = [posted.description]
    for attribute in posted.category.attributes:
        value = posted.attributes.get(attribute["code"])
        if value is None:
            continue
        names = {v["key"]: v["name"] for v in attribute.get("values", [])}
        values = value if isinstance(value, list) else [value]
        lines.append(f"{attribute['description']}: {'、'.join(names.get(v, v) for v in values)}")
    if posted.media_url:
        lines.append(f"写真: {posted.media_url}")
    return "\n".join(lines)


def create_request(
    session: Session,
    client: Open311Client,
    posted: PostedRequest,
    *,
    idempotency_key: str | None,
    now: datetime | None = None,
) -> Case:
    """Opens the case for the category's department (no routing: the client chose the
    service) and keeps what Open311 needs to publish it. A retried post carrying the same
    Idempotency-Key returns the first case."""
    from api.nlp import mask  # deferred: loads the Japanese pipeline
    from api.triage.danger import assess

    now = now or utcnow()
    description = _for_staff(posted)
    case, created = cases.open_case(
        session,
        NewCase(
            kind=CaseKind.report,
            channel=CHANNEL,
            description=description,
            location=posted.address_string,
            latitude=posted.latitude,
            longitude=posted.longitude,
            contact=posted.contact,
            contact_declined=posted.contact is None,
            urgent=assess(posted.description).urgent,
            department=posted.category.department_code,
            idempotency_key=(f"open311:{client.id}:{idempotency_key}" if idempotency_key else None),
        ),
        route=_no_routing,
        actor=f"open311:{client.name}",
        now=now,
    )
    if created:
        session.add(
            Open311Request(
                case_id=case.id,
                client_id=client.id,
                service_code=posted.category.code,
                public_description=mask(posted.description),
                address_string=posted.address_string,
                media_url=posted.media_url,
                attributes=posted.attributes,
                created_at=now,
            )
        )
        session.flush()
    return case


def _no_routing(_: str) -> Any:
    raise AssertionError("an Open311 request names its department through its service")


def service_notice(session: Session, case: Case) -> str:
    department = session.get(Department, case.department_code)
    name = department.name if department else case.department_code
    return f"受付番号 {case.case_number} で受け付けました。{name}が確認します。"


# --- GET requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    service_request_ids: list[str]
    service_codes: list[str]
    start: datetime | None
    end: datetime | None
    statuses: list[str]


def _date(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date-time, e.g. 2026-04-01T00:00:00+09:00"
        ) from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} needs a time zone (Z or +09:00)")
    return moment


def _list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def parse_query(params: Mapping[str, str]) -> RequestQuery:
    statuses = [s.lower() for s in _list(params.get("status"))]
    unknown = sorted(set(statuses) - {"open", "closed"})
    if unknown:
        raise Open311Error(400, f"status must be open or closed, not {', '.join(unknown)}")
    start = _date(params.get("start_date"), "start_date")
    end = _date(params.get("end_date"), "end_date")
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date is before start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return RequestQuery(
        service_request_ids=_list(params.get("service_request_id")),
        service_codes=_list(params.get("service_code")),
        start=start,
        end=end,
        statuses=statuses,
    )


_Row = tuple[Case, Open311Request, ReportCategory, Department]


def _published() -> Any:
    return (
        select(Case, Open311Request, ReportCategory, Department)
        .join(Open311Request, Open311Request.case_id == Case.id)
        .join(ReportCategory, ReportCategory.code == Open311Request.service_code)
        .join(Department, Department.code == Case.department_code)
    )


def find_requests(session: Session, query: RequestQuery, now: datetime | None = None) -> list[_Row]:
    statement = _published()
    if query.service_request_ids:
        # The ids override every other filter (the spec's rule).
        statement = statement.where(Case.case_number.in_(query.service_request_ids))
    else:
        end = query.end or now or utcnow()
        start = query.start or end - MAX_SPAN
        statement = statement.where(Case.created_at >= start, Case.created_at <= end)
        if query.service_codes:
            statement = statement.where(Open311Request.service_code.in_(query.service_codes))
        if query.statuses and set(query.statuses) != {"open", "closed"}:
            resolved = Case.status == CaseStatus.resolved.value
            statement = statement.where(resolved if query.statuses == ["closed"] else ~resolved)
    statement = statement.order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_RESULTS)
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def find_request(session: Session, service_request_id: str) -> _Row:
    row = session.execute(_published().where(Case.case_number == service_request_id)).first()
    if row is None:
        raise Open311Error(404, f"service_request_id {service_request_id!r} not found")
    return tuple(row)  # type: ignore[return-value]


def _status_notes(session: Session, case: Case) -> str:
    """The city's citizen-readable words: the resolution message once resolved."""
    link = session.get(CaseLink, case.id)
    if link is not None:
        original = session.get(Case, link.duplicate_of_id)
        if original is not None:
            return f"同じ内容の受付番号 {original.case_number} として対応しています。"
    if case.status == CaseStatus.resolved.value and case.resolution_message:
        return case.resolution_message
    # Open311 clients are the city's own apps, in Japanese
    return translate(SOURCE_LOCALE, f"status.{case.status}")


def request_out(session: Session, row: _Row) -> dict[str, Any]:
    case, posted, category, department = row
    return {
        "service_request_id": case.case_number,
        "status": "closed" if case.status == CaseStatus.resolved.value else "open",
        "status_notes": _status_notes(session, case),
        "service_name": category.name,
        "service_code": category.code,
        "description": posted.public_description,
        "agency_responsible": department.name,
        "service_notice": "",
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": None,
        "address": posted.address_string,
        "address_id": None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": posted.media_url,
    }
