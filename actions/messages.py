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
# After NOT_FOUND_OFFER: the department routing names, so the citizen can also call.
WAY_FORWARD_PHONE = (
    "お急ぎの場合は、{name}（電話 {phone}）へ直接お問い合わせいただくこともできます。"
)
OUT_OF_SCOPE = (
    "申し訳ありません。そのご質問には市役所の案内としてお答えできません。"
    "市の手続きや施設、暮らしのことでしたらお尋ねください。"
)
OUT_OF_SCOPE_PHONE = "市政についてのご相談は、{name}（電話 {phone}）でもお受けしています。"
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

# -- the case forms (actions/forms.py, actions/asks.py) -------------------------------------
CONTACT_QUESTION = (
    "担当課からご連絡する場合の連絡先（電話番号またはメールアドレス）を教えてください。"
    "連絡が不要な場合は「不要」とお送りください。"
)
CALLBACK_QUESTION = (
    "ただいま{department}の職員がすぐにチャットでお話しできないため、担当課から折り返しお電話します"
    "（{when}）。お電話番号を教えてください。電話を希望されない場合は「不要」とお送りください。"
)
CONTACT_NOT_NEEDED = "連絡は不要"
PRIVACY_PREFIX = "【個人情報の取り扱い】"
CONFIRM_HEADER = "この内容で受け付けます。よろしいですか。"
CONFIRM_LIVE_HEADER = "この内容で職員におつなぎします。よろしいですか。"
CONFIRM_KIND = {
    "report_form": "道路・公園などの不具合のご連絡",
    "inquiry_form": "担当課へのお問い合わせ",
    "human_form": "職員への取り次ぎ",
}
CONFIRM_LINES = {
    "kind": "・種類：{value}",
    "description": "・内容：{value}",
    "location": "・場所：{value}",
    "contact": "・連絡先：{value}",
    "photos": "・写真：{value}",
    "department": "・担当（予定）：{value}",
    "urgent": "・緊急：はい（担当課が優先して確認します）",
}
CONTACT_NONE_SHOWN = "なし（ご連絡はしません）"
CONFIRM_YES = "はい"
CONFIRM_FIX = "修正する"
CONFIRM_STOP = "やめる"
CONFIRM_AGAIN = (
    "内容がよろしければ「はい」、直したいところがあれば「修正する」、"
    "取りやめる場合は「やめる」とお送りください。"
)
FIELD_QUESTION = "どこを直しますか。"
FIELD_TITLES = {"description": "内容", "location": "場所", "contact": "連絡先"}
POINT_LOCATION = "地図で指定された地点（緯度 {lat:.5f}、経度 {lon:.5f}）"

# -- danger first (a report that signals immediate danger) ------------------------------------
DANGER_HEADER = "【危険が迫っている場合は、まず身の安全を確保してください】"
DANGER_ADVICE = {
    "fire": "・火や煙が出ているときは、すぐに119番（消防）へ通報してください。",
    "gas": (
        "・ガスの臭いがするときは、火を使わず、電気のスイッチや換気扇に触れないで窓を開け、"
        "その場を離れてから、ガス会社または119番へ連絡してください。"
    ),
    "injury": "・けがをした方や具合の悪い方がいるときは、すぐに119番（救急）へ通報してください。",
    "accident": "・交通事故のときは110番（警察）へ通報してください。",
    "hazard": (
        "・危険な場所には近づかないでください。車や人が巻き込まれそうなときは、"
        "110番（警察）へ通報してください。"
    ),
}
EMERGENCY_LINE = "・夜間・休日も、{name}の緊急連絡先（24時間）{phone} で受け付けています。"
CITY_EMERGENCY_LINE = "・夜間・休日も、市役所（24時間）{phone} で受け付けています。"
DANGER_THEN_FILE = "このあと、市への緊急のご連絡として受け付けます。"
URGENT_CASE_LINE = "緊急の案件として受け付けました。担当課が優先して確認します。"

# -- 職員と話したい (live chat or call back) -----------------------------------------------------
LIVE_CHAT_OPENED = (
    "{department}の職員におつなぎしています。担当の職員がこのチャットでお返事しますので、"
    "このままお待ちください（受付番号 {number}）。"
)
CALLBACK_OPENED = "{department}から、{when}にお電話します。"
CALLBACK_NO_CONTACT = (
    "連絡先をいただいていないため、折り返しのお電話はできません。"
    "{department}へ、受付時間内（{hours}）にお電話ください。受付番号をお伝えいただくとスムーズです。"
)
WHEN_OPEN_NOW = "本日の受付時間内（{until}まで）、原則{hours}時間以内"
WHEN_NEXT_OPENING = "{day}{opens}の受付開始以降、原則{hours}時間以内"
HOURS_WEEKDAYS = "平日 {span}"
HOURS_SATURDAY = "土曜 {span}"
WEEKDAY_NAMES = "月火水木金土日"
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

# "Already reported?" (actions/nearby.py): only the kind of problem, the distance, the date and
# the status of other citizens' cases, never what they wrote.
NEARBY_OFFER = "近くで、同じ担当課への次のご報告を受け付けて対応中です。同じものでしょうか。"
NEARBY_LINE = "{index}. {what}（約{distance}m、{date}受付、{status}）"
NEARBY_SAME_ONE = "同じものです"
NEARBY_SAME_OF = "{index}と同じです"
NEARBY_DIFFERENT = "別の件です"
NEARBY_LINKED = (
    "ありがとうございます。このご報告は、すでに受付番号 {number} として{department}が"
    "対応しています。新しい受付はせず、同じ内容のご報告があったことを担当課に伝えました。\n"
    "状況は「受付番号 {number} の状況は？」とお尋ねいただくと確認できます。"
)
NEARBY_GONE = "お選びのご報告はすでに対応が終わっていたため、新しいご報告として受け付けます。"
NEARBY_STATUS = {"new": "受付済み", "in_progress": "対応中", "waiting_citizen": "対応中"}

# Case status for anyone but the conversation that opened the case (api/cases/access.py).
ACCESS_CODE_LINE = (
    "確認コードは {code} です。"
    "別の端末やお電話で状況をお尋ねの際は、受付番号と一緒にお伝えください。"
)
STATUS_NEEDS_CODE = (
    "受付番号 {number} の状況をお知らせするには、受付時にお伝えした6桁の確認コードが必要です。"
    "「受付番号 {number} 確認コード 123456」のように、番号とコードを一緒にお送りください。"
)
STATUS_WRONG_CODE = (
    "受付番号 {number} と確認コードの組み合わせを確認できませんでした。"
    "番号とコードをお確かめのうえ、もう一度お送りください。"
)
STATUS_CODE_LOCKED = (
    "確認コードの誤りが続いたため、このチャットでは受付番号 {number} の状況をお知らせできません。"
    "お手数ですが、市役所へお電話でお問い合わせください。"
)
