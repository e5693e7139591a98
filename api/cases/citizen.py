"""What a citizen hears about a case: plain Japanese, and nothing a stranger holding the number
should not learn (no description, no contact)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.cases.models import Case, CaseStatus
from api.cases.repository import CaseRepository
from api.departments.repository import DepartmentRepository

STATUS_LABELS: dict[str, str] = {
    CaseStatus.new.value: "受付済み（担当課が内容を確認する前です）",
    CaseStatus.in_progress.value: "対応中",
    CaseStatus.waiting_citizen.value: "お客様からのご連絡をお待ちしています",
    CaseStatus.resolved.value: "対応が完了しました",
}


def department_label(session: Session, code: str) -> str:
    department = DepartmentRepository(session).get(code)
    if department is None:
        return code
    phone = f"（電話 {department.phone}）" if department.phone else ""
    return f"{department.name}{phone}"


def describe_status(session: Session, case_number: str) -> str | None:
    """One citizen-readable paragraph about the case, or None when no such case exists."""
    case: Case | None = CaseRepository(session).by_number(case_number)
    if case is None:
        return None
    lines = [
        f"受付番号 {case.case_number} の状況: {STATUS_LABELS.get(case.status, case.status)}",
        f"担当: {department_label(session, case.department_code)}",
    ]
    if case.status == CaseStatus.resolved.value and case.resolution_message:
        lines.append(f"担当課より: {case.resolution_message}")
    return "\n".join(lines)
