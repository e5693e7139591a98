from __future__ import annotations

from api.conversation.transcript import transcript_from_events


def test_transcript_keeps_who_said_what_in_order() -> None:
    events = [
        {"event": "action", "timestamp": 1.0, "name": "action_session_start"},
        {"event": "user", "timestamp": 2.0, "text": "ごみ", "parse_data": {}},
        {"event": "slot", "timestamp": 2.1, "name": "case_offer", "value": "inquiry"},
        {
            "event": "bot",
            "timestamp": 3.0,
            "text": "以下のいずれについて知りたいですか。",
            "data": {"buttons": [{"title": "粗大ごみの出し方", "payload": "/choose_faq"}]},
        },
        {"event": "bot", "timestamp": 3.5, "text": None, "data": {}},  # nothing said
        {"event": "user", "timestamp": 4.0, "text": "ありがとう"},
    ]
    lines = transcript_from_events(events)
    assert [(line.speaker, line.text) for line in lines] == [
        ("citizen", "ごみ"),
        ("bot", "以下のいずれについて知りたいですか。"),
        ("citizen", "ありがとう"),
    ]
    assert lines[1].buttons == ["粗大ごみの出し方"]
    assert lines[0].at.timestamp() == 2.0
