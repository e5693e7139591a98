"""POST /api/v1/furigana: the widget's readings over a message's kanji, 4xx on bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_segments_join_back_into_the_text_with_readings_over_kanji(client: TestClient) -> None:
    text = "粗大ごみは市役所へ（受付番号2026-0012）"
    response = client.post("/api/v1/furigana", json={"text": text})
    assert response.status_code == 200
    segments = response.json()["segments"]
    assert "".join(s["text"] for s in segments) == text
    assert {"text": "粗大", "ruby": "そだい"} in segments
    assert {"text": "市役所", "ruby": "しやくしょ"} in segments
    assert all(s["ruby"] is None for s in segments if s["text"].startswith("2026"))


def test_bad_input_gets_a_precise_422(client: TestClient) -> None:
    blank = client.post("/api/v1/furigana", json={"text": "  "})
    assert blank.status_code == 422 and "empty" in blank.text
    long = client.post("/api/v1/furigana", json={"text": "あ" * 4001})
    assert long.status_code == 422 and "4000" in long.text
    assert client.post("/api/v1/furigana", json={}).status_code == 422
