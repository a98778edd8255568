"""Command line: parse, import, completion.  Thin wrappers; every failure is one line and exit 2."""

import json
import sys
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
    if as_json:
        click.echo(json.dumps(plan.to_dict(), ensure_ascii=False))
        return
    click.echo(f"{plan.satker} {plan.year}: {len(plan.activities)} activities")
    for issue in plan.issues:
        where = ":".join(str(x) for x in (issue.sheet, issue.row) if x is not None)
        click.echo(f"  warning {issue.type} {where} {issue.message}")
