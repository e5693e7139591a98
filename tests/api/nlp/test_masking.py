from __future__ import annotations

import io
import logging
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from api.nlp import PersonalDataFilter, mask, mask_fast
from api.nlp.masking import PLACEHOLDERS
from api.nlp.rules import find_rule_spans
from api.nlp.spans import PERSONAL_LABELS

REPO_ROOT = Path(__file__).resolve().parents[3]

# (text, what mask_fast() and mask() both produce): no names, so the rules do all the work.
FORMAT_CASES = [
    ("電話は090-1234-5678です", "電話は［電話番号］です"),
    ("電話は０９０－１２３４－５６７８です", "電話は［電話番号］です"),
    ("電話は０９０ー１２３４ー５６７８です", "電話は［電話番号］です"),
    ("携帯09012345678", "携帯［電話番号］"),
    ("代表03(1234)5678まで", "代表［電話番号］まで"),
    ("+81 90 1234 5678", "［電話番号］"),
    ("連絡先:taro@example.jp", "連絡先:［メール］"),
    ("連絡先：ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "連絡先：［メール］"),
    ("マイナンバーは1234 5678 9012です", "マイナンバーは［個人番号］です"),
    ("マイナンバーは１２３４　５６７８　９０１２です", "マイナンバーは［個人番号］です"),
    ("〒123-4567 みどり野市緑町1-2-3", "〒［郵便番号］ ［住所］"),
    ("緑町3丁目の交差点", "［住所］の交差点"),
    ("東京都千代田区緑町一丁目2番3号 201号室", "［住所］"),
    # Not personal data: survives untouched.
    ("受付番号2026-000123の件です", "受付番号2026-000123の件です"),
    ("2026-11-27に伺います", "2026-11-27に伺います"),
    ("手数料は1,000円です", "手数料は1,000円です"),
    ("マイナンバーカードの更新", "マイナンバーカードの更新"),
    ("国道16号の陸橋", "国道16号の陸橋"),
]


@pytest.mark.parametrize(("text", "expected"), FORMAT_CASES)
def test_mask_fast(text: str, expected: str) -> None:
    assert mask_fast(text) == expected


@pytest.mark.parametrize(("text", "expected"), FORMAT_CASES)
def test_mask_agrees_on_formats(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "山田太郎です。電話番号は090-1234-5678、メールはtaro@example.jpです。",
            "［氏名］です。電話番号は［電話番号］、メールは［メール］です。",
        ),
        (
            "〒123-4567 東京都千代田区緑町1丁目2番3号 田中花子 03-1234-5678",
            "〒［郵便番号］ ［住所］ ［氏名］ ［電話番号］",
        ),
        ("担当の高橋さんに伝えてください", "担当の［氏名］さんに伝えてください"),
        # Places that are not an address, and dates, are not personal data.
        (
            "11月27日に中央公園の前で転びました。受付番号は2026-000123です",
            "11月27日に中央公園の前で転びました。受付番号は2026-000123です",
        ),
        ("みどり野市に住んでいます", "みどり野市に住んでいます"),
    ],
)
def test_mask(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_mask_fast_leaves_names_to_mask() -> None:
    assert mask_fast("山田太郎です") == "山田太郎です"
    assert mask("山田太郎です") == "［氏名］です"


def test_every_personal_label_has_a_placeholder() -> None:
    assert set(PLACEHOLDERS) == PERSONAL_LABELS


@pytest.mark.parametrize(("text", "_"), FORMAT_CASES)
def test_mask_fast_is_idempotent(text: str, _: str) -> None:
    assert mask_fast(mask_fast(text)) == mask_fast(text)


# --- Property-ish: no digit run of a detected phone number survives ---------------------------
_PHONE_SHAPES = [
    "0{a}-{b}-{c}",
    "0{a}{b}{c}",
    "0{a}({b}){c}",
    "(0{a}){b}-{c}",
    "0{a} {b} {c}",
    "0{a}ー{b}ー{c}",
    "+81-{a}-{b}-{c}",
]
_CONTEXTS = [
    "電話は{p}です。",
    "{p}まで折り返しお願いします",
    "受付番号2026-000123、連絡先{p}、山田",
    "携帯（{p}）にください",
    "緑町3丁目の件で{p}に電話しました",
]


# (area code without the 0, digits of the middle group, digits of the last group)
_NUMBERING = [("90", 4, 4), ("80", 4, 4), ("70", 4, 4), ("3", 4, 4), ("6", 4, 4), ("45", 3, 4)]
_NUMBERING += [("99", 3, 4), ("120", 3, 3), ("570", 3, 3)]


def _random_phone(rng: random.Random) -> str:
    area, middle, last = rng.choice(_NUMBERING)
    phone = rng.choice(_PHONE_SHAPES).format(
        a=area,
        b="".join(rng.choice("123456789") for _ in range(middle)),
        c="".join(rng.choice("123456789") for _ in range(last)),
    )
    if rng.random() < 0.3:  # full-width digits and hyphens
        phone = phone.translate(str.maketrans("0123456789-()", "０１２３４５６７８９－（）"))
    return phone


def _digit_runs(text: str) -> set[str]:
    ascii_digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return set(re.findall(r"\d+", ascii_digits))


def test_mask_never_keeps_digits_of_a_detected_phone() -> None:
    rng = random.Random(20261127)
    for _ in range(40):
        text = rng.choice(_CONTEXTS).format(p=_random_phone(rng))
        phones = [s for s in find_rule_spans(text) if s.label == "PHONE"]
        assert phones, text  # every generated number must be detected
        masked = mask(text)
        for phone in phones:
            assert not _digit_runs(phone.text) & _digit_runs(masked), (text, masked)
        assert "2026-000123" in masked or "2026-000123" not in text


# --- Logging safety net ------------------------------------------------------------------------
def test_filter_keeps_phone_and_email_from_the_handler(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("madoguchi.test.masking")
    with caplog.at_level(logging.INFO, logger="madoguchi.test.masking"):
        logger.info("callback to %s / %s for case %s", "090-1234-5678", "taro@example.jp", 7)
        logger.warning("raw: 電話０３（１２３４）５６７８ 受付番号2026-000123")
    assert "1234" not in caplog.text
    assert "taro@example.jp" not in caplog.text
    assert "callback to ［電話番号］ / ［メール］ for case 7" in caplog.text
    assert "raw: 電話［電話番号］ 受付番号2026-000123" in caplog.text
    record = caplog.records[0]
    assert record.args is None
    assert record.getMessage() == "callback to ［電話番号］ / ［メール］ for case 7"


def test_a_line_its_caller_masked_is_not_masked_again(caplog: pytest.LogCaptureFixture) -> None:
    """A chat message's log line is masked with the full pipeline (`mask`): the filter's rules,
    a subset of it, are not run over it again. An unmarked line still is."""
    from api.nlp.masking import MASKED_ALREADY

    caplog.handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("madoguchi.test.masked")
    said = "山田太郎です。電話は090-1234-5678です"
    with caplog.at_level(logging.INFO, logger="madoguchi.test.masked"):
        logger.info("message: %s", mask(said), extra={MASKED_ALREADY: True})
        # what the filter would change, kept as it was: it was not run
        logger.info("case %s", "2026-0001 090-0000-0000", extra={MASKED_ALREADY: True})
        logger.info("case %s", "2026-0001 090-0000-0000")
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "message: ［氏名］です。電話は［電話番号］です"
    assert lines[1] == "case 2026-0001 090-0000-0000"
    assert lines[2] == "case 2026-0001 ［電話番号］"


def test_filter_on_a_handler_sees_records_of_child_loggers() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    parent = logging.getLogger("madoguchi.test.parent")
    parent.addHandler(handler)
    level = parent.level
    parent.setLevel(logging.INFO)
    try:
        logging.getLogger("madoguchi.test.parent.child").info("tel %s", "09012345678")
        try:
            raise ValueError("invalid phone 090-1234-5678")
        except ValueError:
            parent.exception("lookup failed for %s", "hanako@example.jp")
    finally:
        parent.removeHandler(handler)
        parent.setLevel(level)
    output = stream.getvalue()
    assert "tel ［電話番号］" in output
    assert "ValueError: invalid phone ［電話番号］" in output  # the traceback too
    assert "09012345678" not in output
    assert "090-1234-5678" not in output
    assert "hanako@example.jp" not in output


def test_filter_survives_a_broken_format_string() -> None:
    record = logging.LogRecord(
        "madoguchi.test", logging.INFO, __file__, 1, "two %s %s", ("090-1234-5678",), None
    )
    assert PersonalDataFilter().filter(record) is True
    assert "090-1234-5678" not in record.getMessage()
    assert "［電話番号］" in record.getMessage()


def test_masking_imports_without_spacy() -> None:
    # The logging setup imports the filter in every process; spaCy costs ~1 s to import.
    code = (
        "import sys; from api.nlp import PersonalDataFilter, mask_fast; "
        "assert mask_fast('090-1234-5678') == '［電話番号］'; "
        "assert 'spacy' not in sys.modules, 'spacy imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_message_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chat message is masked for the log line, masked again by the action that records it,
    and read by the form for its place: the pipeline runs once for all of them."""
    from api.nlp import entities

    calls: list[str] = []
    real_parse = entities.parse

    def counting_parse(text: str):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real_parse(text)

    monkeypatch.setattr(entities, "parse", counting_parse)
    entities.forget_all()
    text = "山田太郎です。緑町3丁目の道路に穴があります。電話は090-1234-5678です"
    first = mask(text)
    assert "山田" not in first and "090-1234-5678" not in first
    assert mask(text) == first
    assert entities.first_place(text) is not None
    assert calls == [text]
    mask("別の文です")
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "My name is John Smith and I live at 3-5-2 Kita-machi, phone 090-1234-5678",
            "My name is ［氏名］ and I live at ［住所］, phone ［電話番号］",
        ),
        ("This is Mr. Tanaka, call me back", "This is Mr. ［氏名］, call me back"),
        ("I am Japanese but my name is Anna Lee", "I am Japanese but my name is ［氏名］"),
        ("My address is Midori-cho 2-14-1, Midorino", "My address is ［住所］, Midorino"),
        ("send it to 12 Oak Street please", "send it to ［住所］ please"),
    ],
)
def test_english_names_and_addresses_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked
    assert mask_fast(text) == masked  # the log filter's cheap pass finds them too


@pytest.mark.parametrize(
    "text",
    [
        "There is a big hole in the road near Midori-cho 3-chome",
        "The light at 2-chome crossing is broken",
        "I am worried about the hole",
        "I live in Midorino",
    ],
)
def test_english_places_and_words_that_are_no_name_stay(text: str) -> None:
    assert mask(text) == text
