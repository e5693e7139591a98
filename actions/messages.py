"""What the bot says from the action server, in one place (the domain holds the rest)."""

from __future__ import annotations

APOLOGY = (
    "申し訳ありません。システムの不具合のため、ただいまこのご用件を処理できませんでした。"
    "少し時間をおいてもう一度お試しいただくか、市役所の代表電話までお問い合わせください。"
)
CLARIFY = "以下のいずれについて知りたいですか。当てはまるものを選んでください。"
CLARIFY_NONE = "どれにも当てはまらない"
NOT_FOUND_OFFER = (
    "申し訳ありません。このご質問にお答えできる情報が見つかりませんでした。"
    "担当課へのお問い合わせとして受け付け、受付番号をお知らせしましょうか。"
)
NOT_UNDERSTOOD = (
    "申し訳ありません、うまく理解できませんでした。"
    "別の言葉で言い換えて、もう一度お送りいただけますか。"
    "（例：「粗大ごみの出し方」「住民票を取りたい」「道路に穴があいている」）"
)
HELPFUL = "役に立った"
NOT_HELPFUL = "役に立たなかった"
THANKS_FOR_FEEDBACK = "ご回答ありがとうございます。ほかにもご質問があればどうぞ。"
NOT_HELPFUL_OFFER = (
    "お役に立てず申し訳ありません。別の言葉で言い換えてもう一度お送りいただくか、"
    "担当課へのお問い合わせとして受け付けることもできます。問い合わせますか。"
)
REPHRASE_AFTER_FEEDBACK = (
    "お役に立てず申し訳ありません。別の言葉で言い換えて、もう一度お送りください。"
)
OFFER_YES = "はい、問い合わせる"
OFFER_NO = "いいえ"
ASK_CASE_NUMBER = "受付番号を教えてください（例：2026-000123）。"
CASE_NOT_FOUND = (
    "受付番号 {number} のお問い合わせは見つかりませんでした。"
    "番号をお確かめのうえ、もう一度お送りください。"
)
DESCRIPTION_TOO_SHORT = "もう少し詳しく教えてください。"
LOCATION_TOO_SHORT = "場所がわかるように、住所や近くの目印をもう少し詳しく教えてください。"
CONTACT_INVALID = (
    "電話番号（例：090-1234-5678）またはメールアドレスの形でお送りください。"
    "連絡が不要な場合は「不要」とお送りください。"
)
FORM_CANCELLED = "受付を取りやめました。ほかにご用件があればお送りください。"
OFFER_DECLINED = "承知しました。ほかにご質問があればお気軽にどうぞ。"

CASE_OPENED = {
    "report": "ご連絡ありがとうございます。{department}に報告を受け付けました。",
    "inquiry": "{department}へのお問い合わせとして受け付けました。",
    "human_request": "{department}の職員への取り次ぎを受け付けました。",
}
CASE_NUMBER_LINE = "受付番号は {number} です。"
NEXT_STEPS_CONTACT = (
    "担当課が開庁時間内におおむね{hours}時間以内に内容を確認し、いただいた連絡先へご連絡します。"
)
NEXT_STEPS_NO_CONTACT = (
    "担当課が開庁時間内におおむね{hours}時間以内に内容を確認します。"
    "連絡先をいただいていないため、個別のご連絡はいたしません。"
)
STATUS_HINT = "状況は「受付番号 {number} の状況は？」とお尋ねいただくと確認できます。"
