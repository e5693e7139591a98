"""A fortnight around Golden Week 2026 (4/29 昭和の日, 5/3–5/6 連休) with known events:
questions answered, chosen, escalated; feedback; cases opened, answered, transferred, resolved,
reopened; surveys. Every figure of the metrics document for 2026-04-27 – 2026-05-10 follows from
these events; the expected values (test_scenario.py) were worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.cases import service as cases
from api.cases.models import Case, CaseKind, CaseStatus
from api.cases.schemas import NewCase
from api.feedback.models import AnswerFeedback, BotAnswer
from api.feedback.service import link_case, record_answer, record_feedback
from api.sla.business_hours import JAPAN
from api.staff.auth import StaffPrincipal
from api.survey.models import CaseSurvey, SurveyStep

FIRST_DAY, LAST_DAY = date(2026, 4, 27), date(2026, 5, 10)
STAFF = StaffPrincipal(name="staff-a", role="admin")
PHONE = "090-1234-5678"


def jst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=JAPAN)


class Clock:
    def __init__(self) -> None:
        self.now = jst(4, 1, 9)

    def __call__(self) -> datetime:
        return self.now


class Scenario:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def at(self, moment: datetime) -> Scenario:
        self.clock.now = moment
        return self

    def question(
        self,
        key: str,
        when: datetime,
        text: str,
        decision: str,
        *,
        faq_id: str | None = None,
        channel: str = "web",
        parent_key: str | None = None,
        reviewed: datetime | None = None,
    ) -> None:
        record_answer(
            self.session,
            message_key=key,
            sender_id=f"{channel}:{key}",
            channel=channel,
            decision=decision,
            faq_id=faq_id,
            question=text,
            parent_key=parent_key,
            faq_reviewed_at=reviewed,
        )
        self.session.execute(
            update(BotAnswer).where(BotAnswer.message_key == key).values(created_at=when)
        )

    def feedback(self, key: str, when: datetime, faq_id: str, helpful: bool) -> None:
        record_feedback(
            self.session, message_key=key, sender_id="web:x", faq_id=faq_id, helpful=helpful
        )
        self.session.execute(
            update(AnswerFeedback).where(AnswerFeedback.message_key == key).values(created_at=when)
        )

    def case(
        self,
        when: datetime,
        kind: CaseKind,
        channel: str,
        department: str,
        description: str,
        *,
        question_key: str | None = None,
    ) -> Case:
        case, _ = cases.open_case(
            self.session,
            NewCase(
                kind=kind,
                channel=channel,
                sender_id=f"{channel}:{when.isoformat()}" if channel != "phone" else None,
                description=description,
                contact=PHONE,
                department=department,
            ),
            route=lambda _: pytest.fail("the scenario names every department"),
            actor="bot" if channel != "phone" else STAFF.name,
            now=when,
        )
        if question_key:
            link_case(self.session, question_key, case.id)
        return case

    def reply(self, case: Case, when: datetime) -> None:
        self.at(when)
        cases.record_reply(self.session, STAFF, case, "ご連絡ありがとうございます。", case.channel)

    def transfer(self, case: Case, when: datetime, department: str) -> None:
        self.at(when)
        cases.transfer_case(self.session, STAFF, case.case_number, department, "担当が違うため")

    def status(self, case: Case, when: datetime, status: CaseStatus) -> None:
        self.at(when)
        message = "対応が完了しました。" if status == CaseStatus.resolved else None
        cases.change_status(self.session, STAFF, case.case_number, status, message)

    def survey(self, case: Case, asked: datetime, **answers: Any) -> None:
        self.session.add(
            CaseSurvey(
                case_id=case.id,
                sender_id=case.sender_id or "",
                channel=case.channel,
                step=SurveyStep.done.value if answers else SurveyStep.bot.value,
                asked_at=asked,
                **answers,
            )
        )
        self.session.flush()


def build(session: Session, clock: Clock) -> dict[str, Case]:
    s = Scenario(session, clock)
    c0 = s.case(jst(4, 20, 10), CaseKind.report, "web", "waste", "ごみ集積所のネットが破れている")

    # Questions to the bot.
    s.question(
        "q1", jst(4, 27, 10), "粗大ごみの出し方", "answer", faq_id="F1", reviewed=jst(1, 10, 9)
    )
    s.feedback("f1", jst(4, 27, 10, 1), "F1", helpful=True)
    s.question(
        "q2",
        jst(4, 28, 20),
        "住民票の写しを郵送で取りたい",
        "answer",
        faq_id="F2",
        channel="line",
        reviewed=datetime(2024, 12, 1, 9, tzinfo=JAPAN),
    )
    s.feedback("f2", jst(4, 28, 20, 1), "F2", helpful=False)
    s.question("q3", jst(4, 29, 11), "道路の穴", "clarify")
    s.question(
        "q3c",
        jst(4, 29, 11, 1),
        "道路の穴",
        "answer",
        faq_id="F3",
        parent_key="q3",
        reviewed=jst(3, 1, 9),
    )
    s.question("q4", jst(5, 2, 9), "公園の遊具が壊れていて危ないです", "escalate")
    s.question("q5", jst(5, 7, 10), "公園の遊具が壊れています", "escalate")
    s.question("q6", jst(5, 8, 14), f"犬の登録をしたいです。電話は{PHONE}です", "escalate")

    # Cases.
    c1 = s.case(jst(4, 28, 16), CaseKind.report, "web", "roads", "緑町の道路に穴があいています")
    c2 = s.case(
        jst(4, 28, 20, 5),
        CaseKind.inquiry,
        "line",
        "residents",
        "住民票の写しを郵送で取りたい",
        question_key="q2",
    )
    s.reply(c2, jst(4, 30, 9))
    s.status(c2, jst(4, 30, 11, 30), CaseStatus.resolved)
    s.survey(c2, jst(4, 30, 11, 30), bot_rating=2, bot_rated_at=jst(4, 30, 12))
    s.reply(c1, jst(5, 1, 9, 30))
    s.status(c2, jst(5, 1, 10), CaseStatus.in_progress)  # reopened
    s.status(c2, jst(5, 1, 12), CaseStatus.resolved)
    c3 = s.case(jst(5, 1, 15), CaseKind.report, "phone", "waste", "道路に穴があいていて危ない")
    s.transfer(c3, jst(5, 1, 16), "roads")
    c4 = s.case(jst(5, 2, 10), CaseKind.report, "web", "roads", "街灯が切れています")
    s.status(c1, jst(5, 7, 10, 30), CaseStatus.resolved)
    s.survey(
        c1,
        jst(5, 7, 10, 30),
        bot_rating=4,
        bot_rated_at=jst(5, 7, 10, 35),
        staff_rating=5,
        staff_rated_at=jst(5, 7, 10, 36),
    )
    s.status(c3, jst(5, 8, 9), CaseStatus.resolved)
    s.status(c0, jst(5, 8, 10), CaseStatus.resolved)
    s.survey(c0, jst(5, 8, 10))  # never answered
    c5 = s.case(
        jst(5, 8, 14, 2),
        CaseKind.inquiry,
        "web",
        "general",
        "犬の登録をしたいです",
        question_key="q6",
    )
    s.reply(c5, jst(5, 8, 15, 2))
    c6 = s.case(jst(5, 10, 12), CaseKind.human_request, "web", "waste", "職員と話したい")
    # After the period: not counted.
    s.status(c5, jst(5, 12, 9), CaseStatus.resolved)
    s.case(jst(5, 11, 9), CaseKind.report, "web", "roads", "カーブミラーが曲がっている")
    session.commit()
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6}


@pytest.fixture
def scenario(seeded: Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, Case]:
    clock = Clock()
    monkeypatch.setattr(cases, "utcnow", clock)
    return build(seeded, clock)
