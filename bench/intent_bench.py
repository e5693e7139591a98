"""Intent recognition benchmark: the trained Rasa model on messages kept apart from training.

    python -m bench.intent_bench [--model MODEL] [--output bench-results/intents.json]

Runs in the bot environment (it loads the Rasa model). Every message of
``bench/intents/heldout.yml`` and, for English, ``bench/intents/heldout_en.yml`` (never in
nlu_data/: a test checks it) is parsed by the full
NLU pipeline, preconditions and fallback included, as the running bot would. Side by side, in
the same run, a baseline trained on the same nlu_data/ examples: a character 1–3-gram TF-IDF
logistic regression (scikit-learn), i.e. what the training data alone gives without the
pipeline's tokenizer, readings, lexical features and transformer.

Prints accuracy per intent for the clean and the messy messages, overall accuracy, and the
confusions that cost citizens most: a report read as a status lookup (the report is lost),
a question read as a status lookup, a question read as a report and a report read as a
question. Writes the figures and every miss as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "bench" / "intents" / "heldout.yml"
HELDOUT_EN = REPO / "bench" / "intents" / "heldout_en.yml"
NLU_DATA = REPO / "nlu_data"
# (true intent, predicted intent) pairs printed on their own
CONFUSIONS = [
    ("report_problem", "ask_case_status"),
    ("ask_case_status", "report_problem"),
    ("faq_question", "ask_case_status"),
    ("faq_question", "report_problem"),
    ("report_problem", "faq_question"),
]


def load_heldout(path: Path = HELDOUT) -> dict[str, dict[str, list[str]]]:
    """{"clean"|"messy": {intent: [message, ...]}}"""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {kind: {i: [str(m) for m in ms] for i, ms in data[kind].items()} for kind in data}


def load_all_heldout() -> dict[str, dict[str, list[str]]]:
    """The Japanese sets ("clean", "messy") and the English ones ("en clean", "en messy")."""
    english = {f"en {kind}": by_intent for kind, by_intent in load_heldout(HELDOUT_EN).items()}
    return {**load_heldout(HELDOUT), **english}


def training_examples(nlu_dir: Path = NLU_DATA) -> list[tuple[str, str]]:
    """(text, intent) of every NLU example, entity annotations removed."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(nlu_dir / "nlu"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


class RasaModel:
    name = "madoguchi"

    def __init__(self, model: Path) -> None:
        from rasa.core.agent import Agent

        self._agent = Agent.load(str(model))

    def predict(self, texts: list[str]) -> list[str]:
        async def run() -> list[str]:
            out = []
            for text in texts:
                parsed = await self._agent.parse_message(text)
                out.append(parsed["intent"]["name"])
            return out

        return asyncio.run(run())


class CharNgramBaseline:
    name = "baseline"

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        texts, intents = zip(*examples, strict=True)
        self._model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            LogisticRegression(max_iter=2000, C=10.0),
        )
        self._model.fit(list(texts), list(intents))

    def predict(self, texts: list[str]) -> list[str]:
        return [str(p) for p in self._model.predict(texts)]


def evaluate(predict, heldout: dict[str, dict[str, list[str]]]) -> dict:
    result: dict = {}
    for kind, by_intent in heldout.items():
        items = [(text, intent) for intent, texts in by_intent.items() for text in texts]
        predicted = predict([text for text, _ in items])
        per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        confusion: Counter[tuple[str, str]] = Counter()
        misses = []
        for (text, intent), guess in zip(items, predicted, strict=True):
            per_intent[intent][1] += 1
            if guess == intent:
                per_intent[intent][0] += 1
            else:
                confusion[(intent, guess)] += 1
                misses.append({"text": text, "intent": intent, "predicted": guess})
        correct = sum(c for c, _ in per_intent.values())
        result[kind] = {
            "accuracy": correct / len(items),
            "n": len(items),
            "per_intent": {i: {"correct": c, "n": n} for i, (c, n) in sorted(per_intent.items())},
            "confusions": {f"{a}->{b}": confusion[(a, b)] for a, b in CONFUSIONS},
            "misses": misses,
        }
    return result


_SHORT = {"report_problem": "report", "ask_case_status": "status", "faq_question": "question"}


def _fmt(block: dict, intent: str) -> str:
    cell = block["per_intent"].get(intent)
    return f"{cell['correct']:>3}/{cell['n']:<3}" if cell else "   -   "


def report(results: dict[str, dict], heldout: dict[str, dict[str, list[str]]]) -> list[str]:
    names = list(results)
    lines = []
    for kind in heldout:
        lines.append(f"{kind} messages" + "".join(f"{n:>14}" for n in names))
        for intent in sorted(heldout[kind]):
            row = "".join(f"{_fmt(results[n][kind], intent):>14}" for n in names)
            lines.append(f"  {intent:<22}{row}")
        acc = "".join(f"{results[n][kind]['accuracy']:>14.3f}" for n in names)
        lines.append(f"  {'accuracy':<22}{acc}")
        for a, b in CONFUSIONS:
            key = f"{a}->{b}"
            row = "".join(f"{results[n][kind]['confusions'][key]:>14}" for n in names)
            lines.append(f"  {_SHORT[a] + ' read as ' + _SHORT[b]:<22}{row}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO / "models" / "madoguchi.tar.gz")
    parser.add_argument("--output", type=Path, default=REPO / "bench-results" / "intents.json")
    parser.add_argument("--misses", action="store_true", help="print every misclassified message")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)

    heldout = load_all_heldout()
    examples = training_examples()
    models = [RasaModel(args.model), CharNgramBaseline(examples)]
    results = {m.name: evaluate(m.predict, heldout) for m in models}
    counts = ", ".join(f"{sum(map(len, heldout[k].values()))} {k}" for k in heldout)
    print(f"intents: {len(examples)} training examples; held out {counts}")
    print("\n".join(report(results, heldout)))
    if args.misses:
        for kind in heldout:
            for miss in results["madoguchi"][kind]["misses"]:
                print(f"  miss ({kind}) {miss['intent']} → {miss['predicted']}: {miss['text']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    shown = args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output
    print(f"written {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
