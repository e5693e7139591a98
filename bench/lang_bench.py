"""Language detection benchmark: short chat messages in each language a city hears.

    python -m bench.lang_bench [--output bench-results/language.json]

Runs in the API environment. Every message of ``bench/lang/*.yml`` (ja, en, zh, ko, vi, and
mixed messages with the language each should count as; null: nothing to tell it by) goes
through ``api.nlp.language.detect``, and, side by side, through Lingua alone over the same
languages (``raw_detect``): the baseline the script rules must beat. Prints accuracy per file
for both and writes the figures and every miss as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
LANG_DIR = REPO / "bench" / "lang"


def load_sets(directory: Path = LANG_DIR) -> dict[str, list[tuple[str, str | None]]]:
    """{set name: [(message, expected language or None), ...]} from every YAML file."""
    sets: dict[str, list[tuple[str, str | None]]] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = data["language"]
        rows: list[tuple[str, str | None]] = []
        for item in data["messages"]:
            if isinstance(item, dict):
                rows.append((str(item["text"]), item["expected"]))
            else:
                rows.append((str(item), language))
        sets[path.stem] = rows
    return sets


def score(
    rows: list[tuple[str, str | None]], detect: Callable[[str], str | None]
) -> dict[str, Any]:
    misses = [
        {"text": text, "expected": expected, "got": got}
        for text, expected in rows
        if (got := detect(text)) != expected
    ]
    return {
        "total": len(rows),
        "correct": len(rows) - len(misses),
        "accuracy": round((len(rows) - len(misses)) / len(rows), 4) if rows else 0.0,
        "misses": misses,
    }


def run(sets: dict[str, list[tuple[str, str | None]]]) -> dict[str, Any]:
    from api.nlp.language import detect, raw_detect

    results: dict[str, Any] = {"sets": {}}
    every: list[tuple[str, str | None]] = []
    for name, rows in sets.items():
        results["sets"][name] = {
            "madoguchi": score(rows, detect),
            "lingua": score(rows, raw_detect),
        }
        every.extend(rows)
    results["overall"] = {"madoguchi": score(every, detect), "lingua": score(every, raw_detect)}
    return results


def report(results: dict[str, Any]) -> str:
    lines = [
        "Language detection on short messages (madoguchi rules + Lingua vs Lingua alone)",
        f"{'set':<10}{'n':>5}{'madoguchi':>12}{'lingua':>10}",
    ]
    rows = [*results["sets"].items(), ("overall", results["overall"])]
    for name, figures in rows:
        ours, base = figures["madoguchi"], figures["lingua"]
        lines.append(
            f"{name:<10}{ours['total']:>5}{ours['accuracy']:>12.1%}{base['accuracy']:>10.1%}"
        )
    for miss in results["overall"]["madoguchi"]["misses"]:
        lines.append(f"  miss: {miss['text']!r} expected {miss['expected']}, got {miss['got']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=LANG_DIR)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    results = run(load_sets(args.data))
    print(report(results))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
