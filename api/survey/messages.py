"""What the citizen reads in the survey: the three questions with their buttons, and the
answers to what they send."""

from __future__ import annotations

from api.conversation.schemas import ChatButton, ChatMessage
from api.survey import payload
from api.survey.payload import RatedStep

SCALE = "5：とても満足 〜 1：とても不満"
BOT_QUESTION = (
    "受付番号 {number} のお問い合わせへの対応を完了しました。"
    "よろしければ、今後の改善のためアンケートにご協力ください（任意・3問）。\n"
    "1問目：チャットボット（自動応答）の案内はいかがでしたか？ " + SCALE
)
STAFF_QUESTION = "ありがとうございます。\n2問目：市の職員の対応はいかがでしたか？ " + SCALE
COMMENT_QUESTION = (
    "ありがとうございます。\n"
    "3問目：ご意見・ご感想があれば、このままメッセージでお送りください（任意）。"
    "お名前や電話番号などの個人情報は書かないでください。"
    "特にない場合は「なし」を押してください。"
)
THANKS = "アンケートへのご協力ありがとうございました。今後の改善に役立てます。"
THANKS_FOR_COMMENT = (
    "ご意見ありがとうございました。今後の改善に役立てます。アンケートは以上です。"
    "ほかにご質問があれば、あらためてメッセージでお送りください。"
)
DECLINED = "承知しました。アンケートへの回答は不要です。ご利用ありがとうございました。"
ALREADY_FINISHED = "このアンケートへのご回答は、すでに受け付けています。ありがとうございました。"
EXPIRED = (
    "申し訳ありません。このアンケートは回答期限（{days}日）を過ぎたため、受付を終了しました。"
    "ご協力ありがとうございました。"
)
NOT_FOUND = (
    "申し訳ありません。このアンケートは見つかりませんでした。"
    "ご質問やご相談は、このままメッセージでお送りください。"
)
UNREADABLE = (
    "申し訳ありません。アンケートの回答を読み取れませんでした。"
    "表示されているボタンからお選びください。"
)

DECLINE_TITLE = "回答しない"
NO_COMMENT_TITLE = "なし"


def _ratings(number: str, target: RatedStep) -> list[ChatButton]:
    buttons = [
        ChatButton(title=str(score), payload=payload.rating(number, target, score))
        for score in (5, 4, 3, 2, 1)
    ]
    return [*buttons, ChatButton(title=DECLINE_TITLE, payload=payload.action(number, "decline"))]


def bot_question(number: str) -> ChatMessage:
    return ChatMessage(text=BOT_QUESTION.format(number=number), buttons=_ratings(number, "bot"))


def staff_question(number: str) -> ChatMessage:
    return ChatMessage(text=STAFF_QUESTION, buttons=_ratings(number, "staff"))


def comment_question(number: str) -> ChatMessage:
    skip = ChatButton(title=NO_COMMENT_TITLE, payload=payload.action(number, "skip"))
    return ChatMessage(text=COMMENT_QUESTION, buttons=[skip])


def text(message: str) -> ChatMessage:
    return ChatMessage(text=message)
