"""The `kznews` command line: argparse only; each subcommand calls one function elsewhere."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.argtypes import aware_datetime
from crawler.report import add_report_arguments, run_report
from crawler.reprocess import add_reprocess_arguments, run_reprocess
from db.export import add_export_arguments, run_export
from pipelines.files import UnreadableInput, extract_file


def cmd_extract(args: argparse.Namespace) -> int:
    """Print one JSON line per input; unreadable inputs go to stderr and make the exit status 1."""
    from crawler.profiles import rules_for

    try:
        rules = rules_for(args.site, args.url)
    except KeyError as exc:
        print(f"kznews extract: error: {exc.args[0]}", file=sys.stderr)
        return 2
    status = 0
    for path in args.paths:
        try:
            article = extract_file(
                path, url=args.url, site=args.site or rules.name, now=args.now, rules=rules
            )
        except UnreadableInput as exc:
            print(f"kznews extract: error: {exc}", file=sys.stderr)
            status = 1
            continue
        record = article.to_json()
        record["removed"] = [f"{r['rule']}: {r['text'][:80]}" for r in record["removed"]]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return status


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the Alembic migrations to KZNEWS_DATABASE_URL (or --url)."""
    from db.migrate import upgrade

    print(f"database at revision {upgrade(args.url)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Replay the saved fixture site into the database and print the run summary."""
    from crawler.demo import run_demo

    return run_demo(args.site, args.database_url, args.workers)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="kznews", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract clean articles from saved pages (JSON Lines)")
    extract.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .html, .htm, .html.gz, or - (stdin)")
    extract.add_argument("--url", help="the page's URL (canonical URL, site rules, date of last resort)")
    extract.add_argument("--site", help="site profile name (kazinform, tengrinews); default: from --url")
    extract.add_argument("--now", type=aware_datetime, help="fetch time for relative dates, ISO with offset")
    extract.set_defaults(func=cmd_extract)

    demo = sub.add_parser("demo", help="offline: replay the saved Kazinform pages into the database")
    demo.add_argument("--site", default="kazinform", help="which saved site to replay (default kazinform)")
    demo.add_argument("--database-url", help="default: KZNEWS_DATABASE_URL or data/kznews.sqlite3")
    demo.add_argument("--workers", type=int, help="extraction worker processes (default: CPU count)")
    demo.set_defaults(func=cmd_demo)

    from crawler.harvest import add_harvest_arguments, run_harvest

    harvest = sub.add_parser("harvest", help="crawl the sites into the database, once or --every DURATION")
    add_harvest_arguments(harvest)
    harvest.set_defaults(func=run_harvest)

    report = sub.add_parser("report", help="per-site harvest health from run records; exit 1 on drift")
    add_report_arguments(report)
    report.set_defaults(func=run_report)

    export = sub.add_parser("export", help="stream stored articles as JSON Lines, CSV or Parquet")
    add_export_arguments(export)
    export.set_defaults(func=run_export)

    reprocess = sub.add_parser("reprocess", help="clean the archived pages of stored articles again")
    add_reprocess_arguments(reprocess)
    reprocess.set_defaults(func=run_reprocess)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db_upgrade = db.add_parser("upgrade", help="apply schema migrations")
    db_upgrade.add_argument("--url", help="default: KZNEWS_DATABASE_URL or data/kznews.sqlite3")
    db_upgrade.set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `kznews` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
