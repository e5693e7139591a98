"""Loader of the Amagasaki FAQ benchmark (Kyoto University localgovFAQ, JSON form).

The data is read from its folder (``corpus.json``, ``queries_dev.json``, ``qrels_dev.json``);
it is never copied into the repository. Each corpus entry is one text
``Question: …\\nAnswer: …``; the department in charge is read from the answer's contact
section ``【お問い合わせ】。<局>。<課>。電話…``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from api.faq.json_format import parse_department as _parse_department
from api.faq.json_format import parse_entry_text
from api.faq.search.documents import FaqDocument

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "amagasaki-faq"
# The city's own name before a department (尼崎市コールセンター → コールセンター): stripped by
# this loader and by the product importer when the benchmark imports the corpus.
CITY_PREFIXES = ("尼崎市",)


def parse_department(text: str) -> str | None:
    """The department named by the contact section of an answer (the product's parser)."""
    return _parse_department(text, CITY_PREFIXES)


def parse_entry(faq_id: str, text: str) -> FaqDocument:
    question, answer, department = parse_entry_text(str(faq_id), text, CITY_PREFIXES)
    return FaqDocument(faq_id=str(faq_id), question=question, answer=answer, department=department)


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
