from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

# Channel-prefixed ids such as "web:3f2a…" or "line:U1234…"; no spaces or control characters.
SENDER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:_\-.@]{0,127}$"


class ChatIn(BaseModel):
    sender: str = Field(
        pattern=SENDER_PATTERN,
        description="conversation id issued by POST /api/v1/chat/sessions (web:…)",
        examples=["web:3f2a9c"],
    )
    message: str = Field(description="the citizen's message", examples=["粗大ごみの出し方は？"])

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message must not be empty or whitespace only")
        return value.strip()


class ChatButton(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    text: str | None = None
    buttons: list[ChatButton] = Field(default_factory=list)


class ChatSessionOut(BaseModel):
    sender: str = Field(description="the conversation id to send as `sender`")
    token: str = Field(description="secret: Authorization: Bearer <token> on every message")
