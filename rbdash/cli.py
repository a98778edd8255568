"""Command line: parse, import, completion.  Thin wrappers; every failure is one line and exit 2."""

import json
import os
import sys
import time
from pathlib import Path

import click

from rbdash.errors import RbdashError


def fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group()
def main():
    """rbdash: RB action plans (Excel) into DuckDB."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.argument("file", type=click.Path(dir_okay=False))
def parse(as_json, file):
    """Parse one workbook and show what was read.

    Example: python -m rbdash parse --json data/samples/kpu_kota_banjarmasin_2022.xlsx
    """
    from rbdash.excel import parse_workbook
    if not Path(file).is_file():
        fail(f"{file}: no such file")
    try:
        plan = parse_workbook(file)
    except RbdashError as exc:
        fail(f"{file}: {exc}")
    except Exception as exc:  # a parser bug must still be one line, not a traceback
        fail(f"{file}: unexpected error ({type(exc).__name__}: {exc})")
    if as_json:
        click.echo(json.dumps(plan.to_dict(), ensure_ascii=False))
        return
    click.echo(f"{plan.satker} {plan.year}: {len(plan.activities)} activities")
    for issue in plan.issues:
        where = ":".join(str(x) for x in (issue.sheet, issue.row) if x is not None)
        click.echo(f"  warning {issue.type} {where} {issue.message}")


class _Batch:
    """One database connection for a run of files, handed back every ``hold`` seconds so the running
    app (or another import) can take the file in between."""

    def __init__(self, store, hold=3.0):
        self.store, self.hold, self.cm, self.since = store, hold, None, 0.0

    def tick(self):
        now = time.monotonic()
        if self.cm is not None and now - self.since > self.hold:
            self.close()
            time.sleep(0.1)
        if self.cm is None:
            self.cm = self.store.session()
            self.cm.__enter__()
            self.since = time.monotonic()

    def close(self):
        if self.cm is not None:
            self.cm.__exit__(None, None, None)
            self.cm = None


def _reason(exc):
    """One line for a refused file; unexpected errors too (never a traceback)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, RbdashError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}: {exc})"


def _parse_one(path):
    """(plan, None) or (None, reason); runs in a worker process, so only plain values cross back."""
    from rbdash.excel import parse_workbook
    try:
        if not path.is_file():
            raise FileNotFoundError(2, "no such file")
        return parse_workbook(path), None
    except Exception as exc:
        return None, _reason(exc)


def _parsed(files, pool_from=8):
    """Parse results in input order.  Many files are parsed by a small process pool, so parsing the
    next files overlaps writing this one to the database (the writer itself stays single)."""
    if len(files) < pool_from or (os.cpu_count() or 1) < 2:
        yield from map(_parse_one, files)
        return
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count())) as pool:
        yield from pool.map(_parse_one, files, chunksize=4)


@main.command("import")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file (default: $RBDASH_DB or data/rbdash.duckdb).")
@click.argument("paths", nargs=-1, required=True)
def import_(db, paths):
    """Import workbooks (directories recursively); one transaction per file.

    Example: python -m rbdash import --db data/rbdash.duckdb plans/kalsel/
    Exit code 0 when every file was imported or was a duplicate, 2 when any file was refused.
    """
    from rbdash.store import Store, default_db_path
    try:
        store = Store(db or default_db_path())
    except RbdashError as exc:
        fail(str(exc))
    refused = 0
    batch = _Batch(store)
    from rbdash.excel import workbook_files
    files = list(workbook_files(paths))
    for path, (plan, reason) in zip(files, _parsed(files)):
        batch.tick()
        if plan is not None:
            try:
                result = store.import_plan(plan, actor="cli")
            except Exception as exc:  # its transaction rolled back; the batch goes on
                reason = _reason(exc)
        if reason:
            refused += 1
            click.echo(f"{path}: refused: {reason}")
        elif result["status"] == "duplicate":
            click.echo(f"{path}: skipped: duplicate of {result['satker']} {result['year']} "
                       f"version {result['version']}")
        else:
            extra = f", {result['carried_over']} carried over" if result["carried_over"] else ""
            click.echo(f"{path}: ok: {result['satker']} {result['year']} version {result['version']}, "
                       f"{result['activities']} activities, {len(plan.issues)} warnings{extra}")
    batch.close()
    if refused:
        sys.exit(2)


@main.command()
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file (default: $RBDASH_DB or data/rbdash.duckdb).")
@click.option("--as-of", "as_of", type=click.IntRange(1, 12), required=True, help="Count months 1..M.")
@click.option("--year", type=int, default=None, help="Plan year (default: all years).")
@click.option("--by", "by", type=click.Choice(["satker", "area", "month"]), multiple=True,
              help="Group key; repeat for several (default: satker).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
def completion(db, as_of, year, by, as_json):
    """Realised-on-schedule rate up to month M over each satker's latest plan version.

    Example: python -m rbdash completion --as-of 9 --year 2023 --by satker --by area --json
    """
    from rbdash.metrics import completion as compute
    from rbdash.store import Store, default_db_path
    path = Path(db) if db else default_db_path()
    if not path.exists():
        fail(f"{path}: no such database")
    try:
        df = compute(Store(path), as_of, year=year, by=by or ("satker",))
    except RbdashError as exc:
        fail(str(exc))
    rows = []
    for rec in df.to_dict("records"):
        row = {k: rec[k] for k in df.columns if k not in ("has_data", "planned", "realized", "rate")}
        row.update(planned=int(rec["planned"]),
                   realized=None if rec["realized"] is None or rec["realized"] != rec["realized"]
                   else int(rec["realized"]),
                   rate=None if rec["rate"] is None or rec["rate"] != rec["rate"] else round(rec["rate"], 4))
        for k in ("area_no", "month"):
            if k in row and row[k] is not None:
                row[k] = int(row[k])
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        keys = " ".join(str(row[k]) for k in row if k not in ("planned", "realized", "rate"))
        rate = "no data" if row["rate"] is None and row["realized"] is None else \
            (f"{row['rate']:.1%}" if row["rate"] is not None else "-")
        click.echo(f"{keys}: {row['realized'] if row['realized'] is not None else '-'}/{row['planned']} {rate}")
