"""POST /api/v1/triage: which department should take an inquiry.

Public, like the department directory: it tells only which department handles a kind of
inquiry, nothing of any case."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ReadSessionDep, SettingsDep
from api.faq.knowledge import knowledge_cache
from api.faq.router import checked_text
from api.triage.service import triage

router = APIRouter(prefix="/api/v1/triage", tags=["triage"])


class TriageIn(BaseModel):
    text: str


class TriageOut(BaseModel):
    department: str | None = Field(description="department code")
    confidence: float = Field(ge=0.0, le=1.0)
    alternatives: list[str] = Field(description="the next best two department codes")
    alternative_confidences: list[float]


@router.post("", response_model=TriageOut)
def triage_inquiry(body: TriageIn, session: ReadSessionDep, settings: SettingsDep) -> TriageOut:
    text = checked_text(body.text, settings.max_message_chars, field="text")
    result = triage(knowledge_cache.get(session), text)
    return TriageOut(
        department=result.department,
        confidence=result.confidence,
        alternatives=result.alternatives,
        alternative_confidences=result.alternative_confidences,
    )
