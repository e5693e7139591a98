"""What a citizen hears about a case: plain Japanese, no description, no contact. Only the
case's owner gets it (api/cases/access.py decides who that is)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.cases.models import Case, CaseStatus
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


def describe_status(session: Session, case: Case) -> str:
    """One citizen-readable paragraph about the case, with the city's message once resolved."""
    lines = [
        f"受付番号 {case.case_number} の状況: {STATUS_LABELS.get(case.status, case.status)}",
        f"担当: {department_label(session, case.department_code)}",
    ]
    if case.status == CaseStatus.resolved.value and case.resolution_message:
        lines.append(f"担当課より: {case.resolution_message}")
    return "\n".join(lines)
