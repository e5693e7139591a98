"""Furigana for the widget's 「やさしい にほんご・ふりがな」 switch: the readings of a bot
message's kanji, as segments the widget renders with <ruby> (never as HTML: the text stays
text)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from jatext.ruby import ruby_segments

router = APIRouter(prefix="/api/v1", tags=["web widget"])

MAX_CHARS = 4000  # longer than any bot message or staff reply (5000 would be a case's text)


class FuriganaIn(BaseModel):
    text: str = Field(
        max_length=MAX_CHARS, description="Japanese text", examples=["粗大ごみは市役所へ"]
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be empty or whitespace only")
        return value


class SegmentOut(BaseModel):
    text: str = Field(description="a piece of the text; the pieces join back into it")
    ruby: str | None = Field(description="its reading in hiragana, over kanji only; else null")


class FuriganaOut(BaseModel):
    segments: list[SegmentOut]


@router.post("/furigana", response_model=FuriganaOut)
async def furigana(body: FuriganaIn) -> FuriganaOut:
    """Readings in hiragana over the kanji of `text` (from UniDic). Kana, numbers, Latin
    letters and names of people and places have none."""
    segments = await asyncio.to_thread(ruby_segments, body.text)
    return FuriganaOut(segments=[SegmentOut(text=s.text, ruby=s.ruby) for s in segments])
