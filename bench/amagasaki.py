"""Loader of the Amagasaki FAQ benchmark (Kyoto University localgovFAQ, JSON form).

The data is read from its folder (``corpus.json``, ``queries_dev.json``, ``qrels_dev.json``);
it is never copied into the repository. Each corpus entry is one text
``Question: …\\nAnswer: …``; the department in charge is read from the answer's contact
section ``【お問い合わせ】。<局>。<課>。電話…``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from api.faq.search.documents import FaqDocument, split_contact

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "amagasaki-faq"

# An organisation name ends in one of these (longest first matters for the regex).
_ORG_SUFFIX = "事務所|センター|事業体|本部|担当|課|室|所|館|係|局|部|園|協会|公社|組合"
_ORG_NAME = re.compile(f"^[^〒■＊*※]+?(?:{_ORG_SUFFIX})$")
_NOT_ORG = re.compile(
    r"^(?:電話|ＴＥＬ|TEL|ファクス|ＦＡＸ|FAX|Ｅメール|メール|受付|開館|休館|住所)"
)
_ADDRESS = re.compile(r"(?:丁目|番地|[0-9０-９]番|[0-9０-９]－)")
_PREFIX = re.compile(r"^(?:.*?局)?(?:[^・]{2,}?部)?(?=.{2,}(?:課|担当)$)")
_PAREN = re.compile(r"[（(][^）)]*[）)]")


def parse_department(text: str) -> str | None:
    """The department named by the contact section of an FAQ answer, or None.

    The last organisation name (…課, …室, …所, …センター, …担当 …) in the section, cut to
    the section level (国保年金課資格賦課担当 → 国保年金課, 市民税課（個人担当） → 市民税課)
    and without the bureau prefix (こども青少年本部事務局児童課 → 児童課).
    """
    _, contact = split_contact(text)
    if not contact:
        return None
    body = re.sub(r"^[【［\[〔（(][^】］\]〕）)]*[】］\]〕）)]", "", contact)
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
    return _section_level(found)


def _section_level(name: str) -> str:
    name = name.lstrip("●○◆◇・ ").removeprefix("尼崎市")
    # bureau and division prefixes: 健康福祉局健康増進課 → 健康増進課, 環境部環境保全課 → 環境保全課
    name = _PREFIX.sub("", name)
    for unit in ("課", "担当"):
        at = name.find(unit)
        if 0 < at < len(name) - len(unit):
            return name[: at + len(unit)]  # 国保年金課資格賦課担当 → 国保年金課
    return name


def parse_entry(faq_id: str, text: str) -> FaqDocument:
    text = unicodedata.normalize("NFC", text)
    question, sep, answer = text.partition("\nAnswer:")
    if not sep:
        question, answer = text, ""
    question = question.removeprefix("Question:").strip()
    answer = answer.strip()
    return FaqDocument(
        faq_id=str(faq_id), question=question, answer=answer, department=parse_department(answer)
    )


@dataclass(frozen=True)
class AmagasakiSet:
    documents: list[FaqDocument]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load(data_dir: Path | str = DEFAULT_DATA_DIR) -> AmagasakiSet:
    folder = Path(data_dir)
    corpus = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    queries = json.loads((folder / "queries_dev.json").read_text(encoding="utf-8"))
    qrels = json.loads((folder / "qrels_dev.json").read_text(encoding="utf-8"))
    documents = [parse_entry(k, v) for k, v in corpus.items()]
    return AmagasakiSet(
        documents=documents,
        queries={str(k): str(v) for k, v in queries.items()},
        qrels={str(q): {str(d): int(g) for d, g in rel.items()} for q, rel in qrels.items()},
    )
