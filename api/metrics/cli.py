"""`madoguchi metrics export`: the metrics document of a period, to a file (JSON or CSV)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from api.core.db import unit_of_work


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def metrics_export(args: argparse.Namespace) -> int:
    from api.metrics.csv_form import to_csv
    from api.metrics.period import Period, PeriodError
    from api.metrics.report import build_report

    output = Path(args.output)
    form = args.format or ("csv" if output.suffix.lower() == ".csv" else "json")
    try:
        period = Period.of(args.from_, args.to)
    except PeriodError as error:
        print(f"madoguchi: {error.message}", file=sys.stderr)
        return 2
    scope = frozenset(args.department) if args.department else None
    with unit_of_work() as session:
        document = build_report(session, period, scope)
    text = (
        to_csv(document)
        if form == "csv"
        else document.model_dump_json(by_alias=True, indent=2) + "\n"
    )
    output.write_text(text, encoding="utf-8")
    print(f"wrote the metrics of {period.first_day} – {period.last_day} to {output} ({form})")
    return 0


def metrics_schema(args: argparse.Namespace) -> int:
    import json

    from api.metrics.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def add_metrics_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    metrics = commands.add_parser("metrics", help="the five criteria and activity figures")
    metrics_commands = metrics.add_subparsers(dest="metrics", required=True)
    export = metrics_commands.add_parser(
        "export", help="write the metrics document (schema docs/metrics-schema-v1.json)"
    )
    export.add_argument("--from", dest="from_", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--output", required=True, metavar="FILE", help=".json or .csv")
    export.add_argument("--format", choices=["json", "csv"], help="default: by FILE's suffix")
    export.add_argument(
        "--department", action="append", help="only this department (repeat for several)"
    )
    export.set_defaults(run=metrics_export)
    schema = metrics_commands.add_parser(
        "schema", help="print the JSON Schema of the metrics document"
    )
    schema.set_defaults(run=metrics_schema)
