"""The JSON FAQ form of Japanese municipal open-data exports: one object
``{id: "Question: …\\nAnswer: …"}`` (the form of the localgovFAQ Amagasaki set). The source's ids
are kept as the FAQ ids; the department in charge is read out of the answer's contact section
(``【お問い合わせ】。…局。…課。電話…``), and an entry without one gets no department.

An entry may also be an object with the CSV columns (``{"question", "answer", "department",
"alternatives", "tags", "url", "question_en", "answer_en", "answer_easy"}``), so an export of
ours can be read back; the English and easy-Japanese texts are optional.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

import jatext
from api.faq.csv_format import RowError
from api.faq.schemas import FaqRecord
from api.faq.search.documents import split_contact

__all__ = [
    "parse_department",
    "parse_entry_text",
    "read_faq_json",
    "read_faq_json_lines",
    "section_level",
    "split_contact",
]

# An organisation name ends in one of these (longest first matters for the regex).
_ORG_SUFFIX = "事務所|センター|事業体|本部|担当|課|室|所|館|係|局|部|園|協会|公社|組合"
_ORG_NAME = re.compile(f"^[^〒■＊*※]+?(?:{_ORG_SUFFIX})$")
_NOT_ORG = re.compile(
    r"^(?:電話|ＴＥＬ|TEL|ファクス|ＦＡＸ|FAX|Ｅメール|メール|受付|開館|休館|住所)"
)
_ADDRESS = re.compile(r"(?:丁目|番地|[0-9０-９]番|[0-9０-９]－)")
_PREFIX = re.compile(r"^(?:.*?局)?(?:[^・]{2,}?部)?(?=.{2,}(?:課|担当)$)")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_COLON = re.compile(r"\s*:")
_HEADING = re.compile(r"^[【［\[〔（(][^】］\]〕）)]*[】］\]〕）)]")
# The longest department name we keep (it becomes the department code of a new department).
MAX_DEPARTMENT_CHARS = 64


def parse_department(answer: str, strip_prefixes: Iterable[str] = ()) -> str | None:
    """The department named by the contact section of an FAQ answer, or None.

    The last organisation name (…課, …室, …所, …センター, …担当 …) in the section, cut to
    the section level (国保年金課資格賦課担当 → 国保年金課, 市民税課（個人担当） → 市民税課)
    and without the bureau prefix (こども青少年本部事務局児童課 → 児童課). `strip_prefixes`
    are removed from the front of the name when a word of its own follows (a city's own name:
    ○○市コールセンター → コールセンター, but ○○市営住宅 stays).
    """
    _, contact = split_contact(answer)
    if not contact:
        return None
    body = _HEADING.sub("", contact)
    found: str | None = None
    for raw in re.split(r"[。\n]", body):
        seg = _PAREN.sub("", raw).strip(" 　・:：")
        if not seg or seg.startswith(("【", "［", "[")) or len(seg) > 40:
            continue
        if _NOT_ORG.match(seg) or _ADDRESS.search(seg) or not _ORG_NAME.match(seg):
            continue
        found = seg
    if found is None:
        return None
    return section_level(found, strip_prefixes) or None


def section_level(name: str, strip_prefixes: Iterable[str] = ()) -> str:
    """An organisation name cut to the section: without the bureau and division prefixes
    (健康福祉局健康増進課 → 健康増進課, 環境部環境保全課 → 環境保全課) and without what follows
    the section (国保年金課資格賦課担当 → 国保年金課)."""
    name = name.lstrip("●○◆◇・ 　")
    for prefix in strip_prefixes:
        if prefix and name.startswith(prefix) and _ends_a_word(name, len(prefix)):
            name = name[len(prefix) :]
            break
    name = _PREFIX.sub("", name)
    for unit in ("課", "担当"):
        at = name.find(unit)
        if 0 < at < len(name) - len(unit):
            return name[: at + len(unit)]
    return name


def _ends_a_word(name: str, at: int) -> bool:
    """Whether a prefix of `at` characters ends where a word of its own begins, so that
    ○○市 is removed from ○○市コールセンター but not from ○○市営住宅, ○○市立図書館 or
    ○○市民まつり (fugashi's word boundaries; a suffix such as 立 belongs to the prefix)."""
    if at >= len(name):
        return False
    for morpheme in jatext.tokenize(name):
        if morpheme.start == at:
            return morpheme.pos != "接尾辞"
        if morpheme.start > at:
            return False
    return False


def parse_entry_text(
    faq_id: str, text: str, strip_prefixes: Iterable[str] = ()
) -> tuple[str, str, str | None]:
    """(question, answer, department) of one ``Question: …\\nAnswer: …`` text."""
    text = unicodedata.normalize("NFC", text)
    question, sep, answer = text.partition("\nAnswer:")
    if not sep:
        question, answer = text, ""
    question = question.strip().removeprefix("Question:").strip()
    answer = answer.strip()
    return question, answer, parse_department(answer, strip_prefixes)


def _record(faq_id: str, value: object, strip_prefixes: tuple[str, ...]) -> FaqRecord:
    if isinstance(value, str):
        question, answer, department = parse_entry_text(faq_id, value, strip_prefixes)
        return FaqRecord(id=faq_id, question=question, answer=answer, department=department)
    if isinstance(value, dict):
        fields = {k: v for k, v in value.items() if k in FaqRecord.model_fields and k != "id"}
        if "department" not in fields and isinstance(fields.get("answer"), str):
            fields["department"] = parse_department(fields["answer"], strip_prefixes)
        return FaqRecord(id=faq_id, **fields)
    raise TypeError("an entry is a text or an object")


def _key_lines(raw: str, keys: list[str]) -> dict[str, int]:
    """The line where each top-level key appears (best effort: keys are searched in order)."""
    lines: dict[str, int] = {}
    position = 0
    line = 1
    for key in keys:
        for spelled in dict.fromkeys((json.dumps(key, ensure_ascii=False), json.dumps(key))):
            at = raw.find(spelled, position)
            while at >= 0 and not _COLON.match(raw, at + len(spelled)):
                at = raw.find(spelled, at + 1)
            if at >= 0:
                line += raw.count("\n", position, at)
                position = at
                lines[key] = line
                break
    return lines


def read_faq_json(
    path: Path, strip_prefixes: Iterable[str] = ()
) -> tuple[list[FaqRecord], list[RowError]]:
    """Reads a JSON FAQ export; a bad entry is reported (with its line and id) and skipped."""
    records, _lines, errors = read_faq_json_lines(path, strip_prefixes)
    return records, errors


def read_faq_json_lines(
    path: Path, strip_prefixes: Iterable[str] = ()
) -> tuple[list[FaqRecord], list[int], list[RowError]]:
    """The good entries, the line where each one's key is (0 when not found), the errors."""
    raw = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return [], [], [RowError(exc.lineno, f"invalid JSON: {exc.msg}")]
    if not isinstance(data, dict):
        return [], [], [RowError(1, "expected a JSON object {id: entry}")]
    prefixes = tuple(strip_prefixes)
    key_lines = _key_lines(raw, list(data))
    records: list[FaqRecord] = []
    lines: list[int] = []
    errors: list[RowError] = []
    for key, value in data.items():
        line = key_lines.get(key, 0)
        try:
            records.append(_record(str(key), value, prefixes))
            lines.append(line)
        except ValidationError as exc:
            fields = ", ".join(str(err["loc"][0]) for err in exc.errors() if err["loc"])
            errors.append(RowError(line, f"entry {key!r}: missing or invalid: {fields}"))
        except (TypeError, ValueError) as exc:
            errors.append(RowError(line, f"entry {key!r}: {exc}"))
    return records, lines, errors
