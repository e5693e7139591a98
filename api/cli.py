"""The `madoguchi` command line (console script of the API environment).
The database is the one DATABASE_URL names."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from api.cases.cli import add_case_commands
from api.core.config import get_settings
from api.core.db import get_sessionmaker, unit_of_work
from api.core.migrate import upgrade_database
from api.metrics.cli import add_metrics_commands
from api.open311.cli import add_open311_commands
from api.outbox.cli import add_outbox_commands
from api.privacy.cli import add_privacy_commands
from api.staff.cli import add_staff_commands

if TYPE_CHECKING:  # the knowledge base loads heavy modules: imported when a command needs it
    from api.faq.knowledge import Knowledge


def _db_upgrade(_: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    print("database is at the latest schema")
    return 0


def _db_check(_: argparse.Namespace) -> int:
    from api.core.db import get_engine
    from api.core.migrate import SchemaNotAtHeadError, check_schema

    try:
        with get_engine().connect() as connection:
            check_schema(connection, get_settings().database_url)
    except SchemaNotAtHeadError as error:
        print(f"madoguchi: {error}", file=sys.stderr)
        return 1
    print("database is at the latest schema")
    return 0


def _city_load(args: argparse.Namespace) -> int:
    from api.seed import load_city

    upgrade_database(get_settings().database_url)
    with unit_of_work() as session:
        departments, entries = load_city(session, Path(args.directory))
    print(f"loaded {departments} departments and {entries} FAQ entries from {args.directory}")
    return 0


SHOWN_DEPARTMENTS = 20  # names of created departments printed after an import


def _progress(label: str):  # type: ignore[no-untyped-def]
    """A progress callback printing to stderr (at most every half second, and at the end)."""
    started = time.perf_counter()
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        percent = 100.0 * done / total if total else 100.0
        print(
            f"\r{label}: {done}/{total} ({percent:.0f}%) {now - started:.1f} s",
            end="\n" if done >= total else "",
            file=sys.stderr,
            flush=True,
        )

    return report


def _read_faq_file(path: Path, strip_prefixes: list[str]):  # type: ignore[no-untyped-def]
    from api.faq.csv_format import read_faq_csv_lines
    from api.faq.json_format import read_faq_json_lines

    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_faq_csv_lines(path)
    if suffix == ".json":
        return read_faq_json_lines(path, strip_prefixes)
    raise SystemExit(f"madoguchi: {path}: unknown format (expected .csv or .json)")


def _faq_import(args: argparse.Namespace) -> int:
    from api.faq.service import import_faq

    path = Path(args.path)
    if not path.is_file():
        print(f"madoguchi: {path}: no such file", file=sys.stderr)
        return 2
    upgrade_database(get_settings().database_url)
    started = time.perf_counter()
    records, lines, errors = _read_faq_file(path, args.strip_prefix or [])
    with unit_of_work() as session:
        report = import_faq(
            session,
            records,
            lines=lines,
            errors=errors,
            progress=None if args.quiet else _progress("importing"),
            create_departments=not args.no_create_departments,
        )
    for error in report.errors:
        print(f"{path}:{error.line}: skipped: {error.reason}", file=sys.stderr)
    created = report.departments_created
    if created:
        shown = ", ".join(created[:SHOWN_DEPARTMENTS])
        more = (
            f" … (+{len(created) - SHOWN_DEPARTMENTS} more)"
            if len(created) > SHOWN_DEPARTMENTS
            else ""
        )
        print(f"departments created ({len(created)}): {shown}{more}", file=sys.stderr)
    print(f"imported {path}: {report.summary()} in {time.perf_counter() - started:.1f} s")
    return 1 if report.errors and not report.written else 0


def _faq_export(args: argparse.Namespace) -> int:
    from api.faq.csv_format import write_faq_csv
    from api.faq.service import export_records

    path = Path(args.path)
    upgrade_database(get_settings().database_url)
    with unit_of_work() as session:
        records = export_records(session)
    if path.suffix.lower() == ".json":
        data = {r.id: r.model_dump(exclude={"id"}) for r in records}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        count = len(data)
    else:
        count = write_faq_csv(path, records)
    print(f"exported {count} FAQ entries to {path}")
    return 0


def _read_queries(path: str) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SystemExit(f"madoguchi: {path}: expected a JSON object {{query_id: text}}")
    return {str(k): v for k, v in data.items()}


def _write_json(path: str | None, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if path is None or path == "-":
        print(text)
        return
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"written {out}", file=sys.stderr)


def _knowledge() -> Knowledge:
    from api.faq.knowledge import knowledge_cache

    upgrade_database(get_settings().database_url)
    # what the database holds now: a command run after an edit or an import answers with it
    return knowledge_cache.wait_fresh(get_sessionmaker())


def _faq_learn(args: argparse.Namespace) -> int:
    from api.faq.knowledge import knowledge_cache
    from api.faq.learning_import import PairsFileError, import_pairs, read_pairs

    path = Path(args.pairs)
    try:
        pairs = read_pairs(path)
    except PairsFileError as error:
        print(f"madoguchi: {error}", file=sys.stderr)
        return 2
    upgrade_database(get_settings().database_url)
    with unit_of_work() as session:
        index = knowledge_cache.get(session).index
        report = import_pairs(
            session, index, pairs, progress=None if args.quiet else _progress("learning")
        )
    print(f"learned from {path}: {report.summary()}")
    return 0


def _faq_embed(args: argparse.Namespace) -> int:
    from api.faq.knowledge import entry_documents
    from api.faq.search.encoders import default_encoders
    from api.faq.search.meaning import adapter_texts, view_texts
    from api.faq.text_vectors import store_missing

    upgrade_database(get_settings().database_url)
    factory = get_sessionmaker()
    with unit_of_work(factory, write=False) as session:
        documents = entry_documents(session)
    encoders = default_encoders()
    if not encoders:
        print("madoguchi: no sentence encoder is installed or enabled", file=sys.stderr)
        return 1
    for kind, encoder in encoders.items():
        texts = view_texts(kind, documents)[0] + adapter_texts(kind, documents)
        started = time.perf_counter()
        total, embedded = store_missing(
            factory, encoder, texts, progress=None if args.quiet else _progress(f"{kind}")
        )
        print(
            f"{kind} ({encoder.name}): {total} texts of {len(documents)} entries, "
            f"{embedded} embedded and stored, {total - embedded} stored already "
            f"({time.perf_counter() - started:.1f} s)"
        )
    return 0


def _queries_or_text(args: argparse.Namespace) -> dict[str, str] | None:
    if args.queries and args.text:
        raise SystemExit("madoguchi: give a text or --queries, not both")
    if not args.queries and not args.text:
        raise SystemExit("madoguchi: give a text or --queries Q.json")
    return _read_queries(args.queries) if args.queries else None


def _faq_search(args: argparse.Namespace) -> int:
    from api.faq.service import search_knowledge

    queries = _queries_or_text(args)
    knowledge = _knowledge()
    if queries is None:
        for hit in search_knowledge(knowledge, args.text, args.top):
            print(f"{hit.faq_id}\t{hit.score:.4f}\t{hit.question}")
        return 0
    results = {
        qid: [hit.faq_id for hit in search_knowledge(knowledge, text, args.top)]
        for qid, text in queries.items()
    }
    _write_json(args.output, results)
    return 0


def _answer_each(args: argparse.Namespace, answer: Callable[[Knowledge, str], dict]) -> int:
    """Runs `answer` on the one question or on each of --queries, and writes the results."""
    queries = _queries_or_text(args)
    knowledge = _knowledge()
    if queries is None:
        queries = {"query": args.text}
    results = {qid: answer(knowledge, text) for qid, text in queries.items()}
    _write_json(args.output if args.queries else None, results)
    return 0


def _faq_answer(args: argparse.Namespace) -> int:
    from api.faq.service import answer_knowledge

    def one(knowledge: Knowledge, text: str) -> dict:
        result = answer_knowledge(knowledge, text)
        return {"decision": result.decision, "faq_ids": result.faq_ids}

    return _answer_each(args, one)


def _triage(args: argparse.Namespace) -> int:
    from api.triage.service import triage

    def one(knowledge: Knowledge, text: str) -> dict:
        result = triage(knowledge, text)
        return {
            "department": result.department,
            "confidence": result.confidence,
            "alternatives": result.alternatives,
        }

    return _answer_each(args, one)


def _add_query_arguments(parser: argparse.ArgumentParser, top: bool) -> None:
    parser.add_argument("text", nargs="?", help="one question")
    parser.add_argument("--queries", metavar="Q.json", help="a JSON object {query_id: text}")
    parser.add_argument("--output", metavar="OUT.json", help="where to write (default stdout)")
    if top:
        parser.add_argument("--top", type=int, default=10, metavar="N")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(run=_db_upgrade)
    db.add_parser("check", help="exit 1 unless the schema is at head").set_defaults(run=_db_check)

    city = commands.add_parser("city", help="a city's directory and FAQ")
    city_commands = city.add_subparsers(dest="city", required=True)
    load = city_commands.add_parser("load", help="load departments.yml and faq.csv of DIRECTORY")
    load.add_argument("directory")
    load.set_defaults(run=_city_load)

    faq = commands.add_parser("faq", help="the FAQ knowledge base")
    faq_commands = faq.add_subparsers(dest="faq", required=True)
    imp = faq_commands.add_parser(
        "import", help="import a CSV or JSON FAQ file (by extension); re-import updates"
    )
    imp.add_argument("path")
    imp.add_argument(
        "--strip-prefix",
        action="append",
        metavar="TEXT",
        help="JSON: remove TEXT (the city's name) before department names; repeatable",
    )
    imp.add_argument(
        "--no-create-departments",
        action="store_true",
        help="skip entries naming a department the directory lacks instead of creating it",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress on stderr")
    imp.set_defaults(run=_faq_import)
    exp = faq_commands.add_parser("export", help="export the FAQ to PATH (.csv, or .json)")
    exp.add_argument("path")
    exp.set_defaults(run=_faq_export)
    learn = faq_commands.add_parser(
        "learn", help="import citizens' phrasings of FAQ entries (active at once, masked)"
    )
    learn.add_argument(
        "--pairs",
        required=True,
        metavar="FILE.json",
        help='{"question": "faq_id" or ["faq_id", ...], ...}',
    )
    learn.add_argument("--quiet", action="store_true", help="no progress on stderr")
    learn.set_defaults(run=_faq_learn)
    embed = faq_commands.add_parser(
        "embed",
        help="store the sentence vectors of every FAQ text the database lacks (before a start: "
        "the first knowledge build then reads them instead of embedding)",
    )
    embed.add_argument("--quiet", action="store_true", help="no progress on stderr")
    embed.set_defaults(run=_faq_embed)
    search = faq_commands.add_parser("search", help="the best FAQ entries for questions")
    _add_query_arguments(search, top=True)
    search.set_defaults(run=_faq_search)
    answer = faq_commands.add_parser("answer", help="answer / clarify / escalate for questions")
    _add_query_arguments(answer, top=False)
    answer.set_defaults(run=_faq_answer)

    tri = commands.add_parser("triage", help="the department for inquiries")
    _add_query_arguments(tri, top=False)
    tri.set_defaults(run=_triage)

    add_case_commands(commands)
    add_staff_commands(commands)
    add_metrics_commands(commands)
    add_open311_commands(commands)
    add_outbox_commands(commands)
    add_privacy_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
