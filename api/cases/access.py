"""Who may hear about a case: the conversation (web or LINE) that opened it, or whoever gives
the case's access code with its number. Case numbers are sequential and readable on the phone;
the 6-digit code is random, and a run of wrong codes stops lookups by code for that case."""

from __future__ import annotations

import enum
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.cases.models import Case
from api.cases.numbering import CASE_NUMBER_PATTERN
from api.cases.repository import CaseRepository
from jatext import normalize

CODE_DIGITS = 6
MAX_CODE_FAILURES = 10
_CODE_PATTERN = re.compile(r"(?<![\d-])(\d{6})(?![\d-])")


def new_access_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def find_access_code(text: str) -> str | None:
    """A 6-digit code in what a citizen typed (full-width digits too), not the case number."""
    normalized = CASE_NUMBER_PATTERN.sub(" ", normalize(text or ""))
    match = _CODE_PATTERN.search(normalized)
    return match.group(1) if match else None


class Access(enum.Enum):
    granted = "granted"
    needs_code = "needs_code"  # a stranger without a code: told nothing, not even existence
    wrong_code = "wrong_code"  # no such case, or the code is not its own (the same answer)
    locked = "locked"  # too many wrong codes for this case


@dataclass(frozen=True)
class Lookup:
    access: Access
    case: Case | None = None


def look_up(session: Session, case_number: str, sender_id: str | None, code: str | None) -> Lookup:
    """Checks who asks. Counts a wrong code against the case (the caller's transaction)."""
    case = CaseRepository(session).by_number(case_number)
    if case is not None and sender_id and case.sender_id == sender_id:
        return Lookup(Access.granted, case)
    if code is None:
        return Lookup(Access.needs_code)
    if case is None or not case.access_code:
        return Lookup(Access.wrong_code)
    if case.access_code_failures >= MAX_CODE_FAILURES:
        return Lookup(Access.locked)
    if not hmac.compare_digest(case.access_code, code):
        case.access_code_failures += 1
        return Lookup(Access.wrong_code)
    case.access_code_failures = 0
    return Lookup(Access.granted, case)
