"""Command line: parse, import, completion, missing, report, diff, user, backup, restore, migrate-store.

Thin wrappers over the core (sqlite-utils style): each command reads its options, calls one core
function and prints.  Every failure is one line on stderr, ``error: <what>``, and exit code 2:
commands raise ``CliError`` for their own checks, and a named error of the core (``RbdashError``)
is turned into one at the edge (``Commands``), so no command catches it itself.  A named error
speaks the language ``RBDASH_LANG`` chooses (``id``: Indonesian, errors.MESSAGES' second column;
else English).  Choices come from the core (roles from rbdash.accounts, ``--by`` groups from
rbdash.metrics and rbdash.views.years).  The reference is
docs/cli.md (tests/test_docs.py checks it against these commands).
"""

import importlib
import json
import os
from pathlib import Path

import click

from rbdash.errors import RbdashError


class CliError(click.ClickException):
    """A command that cannot go on: ``error: <message>`` on stderr, one line, exit code 2."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def actor() -> str:
    """Who the audit trail records for a CLI change: ``cli:<operating-system user>``.  The CLI acts
    as an admin (whoever can run it can write the database file or knows the server's password
    anyway); the name says who ran it.  Taken from the process's user id, not from $USER."""
    import getpass
    import os
    try:
        import pwd
        name = pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry and no $USER (a bare container)
            name = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"cli:{name}"


def message(exc: RbdashError) -> str:
    """A named error's message in the language $RBDASH_LANG chooses: ``id`` Indonesian (the message
    the pages show), anything else English."""
    return exc.message_id if os.environ.get("RBDASH_LANG", "").strip().lower() == "id" else str(exc)


class Commands(click.Group):
    """The command group: the edge where a named error of the core (a refused input, a database
    that is busy, down or damaged, met anywhere in a command) becomes one ``error:`` line and exit
    code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RbdashError as exc:
            raise CliError(message(exc)) from exc


class CoreChoice(click.Choice):
    """A choice whose values the core defines (``"module:NAME"``), read when click first needs them:
    the core's modules load pandas and argon2, which ``--help`` and ``parse`` need not wait for."""

    def __init__(self, source: str):
        self.source = source
        super().__init__(())

    @property
    def choices(self) -> tuple:
        module, name = self.source.split(":")
        return tuple(getattr(importlib.import_module(module), name))

    @choices.setter
    def choices(self, _):  # click.Choice.__init__ assigns its values; these are the core's
        pass


DB_OPTION = click.option(
    "--db", type=click.Path(dir_okay=False), default=None,
    help="DuckDB file or postgresql://user:password@host:port/db URL (default: $RBDASH_DB or data/rbdash.duckdb).")


IMPORT_LINGER = 1.0   # seconds: see import_


def open_store(db, create=True, linger=0.0):
    """The Store for --db (default $RBDASH_DB or data/rbdash.duckdb).  ``create=False``: a missing
    DuckDB file is an error, not created.  A store that cannot be opened is a CliError here, not a
    named error: ``import`` opens it lazily inside the import service, which would otherwise take
    that error for one plan's refusal.  ``linger``: Store's (a DuckDB file kept open that long once
    idle, unless another process waits for it)."""
    from rbdash.store import Store, check_db_path, default_db_path
    try:
        path = check_db_path(db or default_db_path())
        if not create and isinstance(path, Path) and not path.exists():
            raise CliError(f"{path}: no such database")
        return Store(path, linger=linger)
    except RbdashError as exc:
        raise CliError(message(exc)) from exc


@click.group(cls=Commands)
def main():
    """rbdash: RB action plans (Excel, OpenDocument, Word or PDF) into DuckDB or PostgreSQL.

    Every command that takes --db reads $RBDASH_DB when it is not given.  A failure is one line
    on stderr (error: ...) and exit code 2.

    \b
    Example:
      python -m rbdash import plans/ && python -m rbdash completion --as-of 9 --year 2023
    """


@main.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (a JSON array of them for a file holding several plans).")
@click.argument("file", type=click.Path(dir_okay=False))
def parse(as_json, file):
    """Parse one file (.xlsx, .xlsm, .xls, .ods, .docx, .pdf) and show what was read, storing nothing.

    It is parsed in a worker process with a memory cap and a time limit.  A file may hold several
    plans (one per office and year: sheets for two years, a province's compilation with a sheet per
    office); each is shown: its activities count and warnings, or with --json its activities with
    their sheet and row.  A file that cannot be read is one error line (exit code 2).

    \b
    Example:
      python -m rbdash parse --json data/samples/kpu_kota_banjarmasin_2022.xlsx
    """
    from rbdash.workers import parse_one
    if not Path(file).is_file():
        raise CliError(f"{file}: no such file")
    try:
        plans = parse_one(Path(file))
    except RbdashError as exc:  # the file named first: the same line as import's refusal
        raise CliError(f"{file}: {message(exc)}") from exc
    if as_json:
        out = [plan.to_dict() for plan in plans]
        click.echo(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False))
        return
    for plan in plans:
        click.echo(f"{plan.satker} {plan.year}: {len(plan.activities)} activities")
        for issue in plan.warnings:
            where = ":".join(str(x) for x in (issue.sheet, issue.row) if x is not None)
            click.echo(f"  warning {issue.type} {where} {issue.message}")


@main.command("import")
@DB_OPTION
@click.argument("paths", nargs=-1, required=True)
def import_(db, paths):
    """Import plan files, and the plan files under folders (recursively).

    Each plan a file holds (one per office and year) is stored or refused on its own, with its own
    line on stdout: ok (a new plan, or a new version of a changed one, realisation carried over,
    with what changed: see ``diff``),
    skipped: duplicate (the same bytes were imported before for that office and year) or refused:
    <reason>; a file that cannot be read is one refused line.  A PDF or Word document with no plan
    table that was found in a folder (evidence kept beside the plans) is "skipped: not a plan";
    named itself, it is refused.  Plans are stored in batches of up to
    100 per transaction; a batch that fails as a whole is stored again plan by plan, so one bad plan
    never takes another with it, and importing the same files again is safe.  No database file is
    created by an import that stores nothing.  Exit code 0 when every plan was imported or was a
    duplicate, 2 when any file or plan was refused.

    \b
    Example:
      python -m rbdash import --db data/rbdash.duckdb plans/kalsel/
    """
    from rbdash import importing, wording
    from rbdash.store import check_db_path, default_db_path
    location = check_db_path(db or default_db_path())  # refuse a bad --db before reading any file
    # a DuckDB file is created only when a first plan is stored; a server is reached (or not) at once.
    # The file lingers open between its creation and the first batch and between batches (opening
    # and checkpointing it again cost ~20 ms each time), unless another process waits for it.
    store = (lambda: open_store(db, linger=IMPORT_LINGER)) if isinstance(location, Path) else open_store(db)
    refused = 0
    files = importing.find_files(paths)
    named = {Path(p) for p in paths if not Path(p).is_dir()}
    for out in importing.import_sources(store, files, actor=actor()):
        path = out.source
        if importing.stray_document(out, named):
            click.echo(f"{path}: skipped: not a plan: {message(out.error)}")
        elif out.status is importing.Status.REFUSED:
            refused += 1
            click.echo(f"{path}: refused: {message(out.error)}")
        elif out.status is importing.Status.DUPLICATE:
            click.echo(f"{path}: skipped: duplicate of {out.satker} {out.year} version {out.version}")
        else:
            extra = f", {out.carried_over} carried over" if out.carried_over else ""
            if out.changes is not None:
                extra += f"; changes: {wording.plan_changes(out.changes, 'en')}"
            click.echo(f"{path}: ok: {out.satker} {out.year} version {out.version}, "
                       f"{out.activities} activities, {out.warnings} warnings{extra}")
    if refused:
        raise click.exceptions.Exit(2)


@main.command()
@DB_OPTION
@click.option("--as-of", "as_of", type=click.IntRange(1, 12), required=True, help="Count months 1..M.")
@click.option("--year", type=int, default=None, help="Plan year (default: all years).")
@click.option("--by", "by", type=CoreChoice("rbdash.views.years:COMPLETION_GROUPS"), multiple=True,
              help="Group key; repeat for several (default: satker). 'province' pools each province's KPU "
                   "Provinsi and kabupaten/kota and adds offices / offices_with_data. 'year' (alone): every year "
                   "up to the same month, per area, and the offices that improved or fell most.")
@click.option("--province", default=None, help="Only this province's offices, e.g. 'Jawa Timur'.")
@click.option("--compare", type=int, nargs=2, default=None, metavar="FROM TO",
              help="With --by year: the two years whose offices are compared (default: the last two).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows (--by year: one JSON object).")
def completion(db, as_of, year, by, province, compare, as_json):
    """Realised-on-schedule rate up to month M over each satker's latest plan version.

    Counted over the months each office has reported (sent on Progres, or implied by a monitoring
    import): rate = sum |planned and realised in reported months 1..M| / sum |planned in reported
    months 1..M|, per group.  An office that has reported no month up to M has realized and rate null
    ("no data"), never 0%, and is left out of the area and month aggregates; its unreported months are
    never late.  verified_rate = the same quotient counting only the months a province (or an admin)
    verified, over the same denominator.  Prints "KEYS: realized/planned rate, verified V/planned
    verified_rate" per group, or with --json a list of {KEYS, planned, realized, rate, reported_months,
    verified, verified_rate} (with offices and offices_with_data -- the offices that reported -- for
    --by province).  --by year: the nation (or --province) in every year present, each year up to month
    M, per area, and the offices that improved or fell most between two years.

    \b
    Examples:
      python -m rbdash completion --as-of 9 --year 2023 --by satker --by area --json
      python -m rbdash completion --as-of 9 --year 2023 --by province --json
      python -m rbdash completion --as-of 9 --by year --province "Kalimantan Selatan"
    """
    from rbdash import regions
    from rbdash.metrics import completion as compute
    from rbdash.views.years import scope_offices
    if "year" in by and len(set(by)) > 1:
        raise CliError("--by year is used alone")
    if compare is not None and "year" not in by:
        raise CliError("--compare goes with --by year")
    if "year" in by and year is not None:
        raise CliError("--by year shows every year; choose the two compared with --compare, not --year")
    if province is not None:
        if regions.province(province) is None:
            raise CliError(f"'{province}' is not a province of the official list")
        province = regions.province(province)
    store = open_store(db, create=False)
    if "year" in by:
        _year_over_year(store, as_of, province, compare, as_json)
        return
    df = compute(store, as_of, year=year, by=by or ("satker",), satkers=scope_offices(store, province))
    measures = ("has_data", "planned", "realized", "rate", "due", "reported", "reported_months", "offices",
                "offices_with_data", "verified", "verified_rate")
    rows = []
    for rec in df.to_dict("records"):
        row = {k: None if isinstance(rec[k], float) and rec[k] != rec[k] else rec[k]
               for k in df.columns if k not in measures}
        row.update(_figures(rec), **_verified(rec))
        for k in ("area_no", "month"):
            if k in row and row[k] is not None:
                row[k] = int(row[k])
        if "province" in by:
            row.update(offices=int(rec["offices"]), offices_with_data=int(rec["offices_with_data"]))
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        keys = " ".join("(no province)" if k == "province" and row[k] is None else str(row[k]) for k in row
                        if k not in ("planned", "realized", "rate", "reported_months", "offices", "offices_with_data",
                                     "verified", "verified_rate"))
        if "offices" in row:
            basis = f" ({row['offices']} offices, {row['offices_with_data']} reporting)"
        else:
            basis = f" ({row['reported_months']} months reported)" if "satker" in row else ""
        verified = f", verified {row['verified']}/{row['planned']} {row['verified_rate']:.1%}" \
            if row["verified_rate"] is not None else ""
        click.echo(f"{keys}: {_ratio(row)}{verified}{basis}")


def _missing(value):
    return value is None or value != value


def _figures(rec) -> dict:
    """planned, realized, rate (and reported_months where the row has it) of a completion row as JSON
    values (null: no data)."""
    figures = {"planned": int(rec["planned"]), "realized": None if _missing(rec["realized"]) else int(rec["realized"]),
               "rate": None if _missing(rec["rate"]) else round(float(rec["rate"]), 4)}
    if "reported_months" in rec:
        figures["reported_months"] = int(rec["reported_months"])
    return figures


def _verified(rec) -> dict:
    """verified and verified_rate of a completion row as JSON values (null: no data)."""
    return {"verified": None if _missing(rec["verified"]) else int(rec["verified"]),
            "verified_rate": None if _missing(rec["verified_rate"]) else round(float(rec["verified_rate"]), 4)}


def _ratio(row) -> str:
    """'3/5 60.0%', '-/5 no data', '0/0 -' (nothing due)."""
    rate = "no data" if row["rate"] is None and row["realized"] is None else \
        (f"{row['rate']:.1%}" if row["rate"] is not None else "-")
    return f"{row['realized'] if row['realized'] is not None else '-'}/{row['planned']} {rate}"


def _year_over_year(store, as_of, province, compare, as_json):
    """`completion --by year`: views.year_over_year of the nation or the province, as text or JSON."""
    from rbdash import views
    yoy = views.year_over_year(store, views.View(year=None, satkers=None, areas=None, as_of=as_of,
                                                 province=province), compare=compare)
    years = []
    for rec in yoy.rows.to_dict("records"):
        areas = yoy.per_area[yoy.per_area["year"] == rec["year"]]
        years.append({"year": int(rec["year"]), **_figures(rec), "due": int(rec["due"]),
                      "reported": int(rec["reported"]), "offices": int(rec["offices"]),
                      "offices_with_data": int(rec["offices_with_data"]),
                      "areas": [{"area_no": int(a["area_no"]), **_figures(a)} for a in areas.to_dict("records")]})

    def changed(df):
        return [{"satker": r["satker"], "province": r["province"] if isinstance(r["province"], str) else None,
                 "rate_from": round(float(r["rate_from"]), 4), "rate_to": round(float(r["rate_to"]), 4),
                 "change": round(float(r["change"]), 4)} for r in df.to_dict("records")]
    out = {"scope": yoy.scope, "province": yoy.province, "as_of": yoy.as_of, "years": years,
           "from_year": yoy.from_year, "to_year": yoy.to_year, "improved": changed(yoy.improved),
           "fell": changed(yoy.fell)}
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{yoy.scope}, as of month {yoy.as_of}")
    for row in years:
        click.echo(f"{row['year']}: {_ratio(row)} ({row['offices']} offices, {row['offices_with_data']} reporting)")
    for row in years:
        for area in row["areas"]:
            click.echo(f"{row['year']} area {area['area_no']}: {_ratio(area)}")
    if yoy.from_year is None:
        click.echo("fewer than two years with plans: nothing to compare")
        return
    for what in ("improved", "fell"):
        click.echo(f"{what} {yoy.from_year} -> {yoy.to_year}: {'' if out[what] else 'none'}".rstrip())
        for r in out[what]:
            click.echo(f"  {r['satker']}: {r['rate_from']:.1%} -> {r['rate_to']:.1%} "
                       f"({r['change'] * 100:+.1f} points)")


@main.command()
@DB_OPTION
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--province", default=None, help="Only this province's offices, e.g. 'Jawa Timur'.")
@click.option("--as-of", "as_of", type=click.IntRange(1, 12), default=12, show_default=True,
              help="Realisation is looked for in months 1..M.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
def missing(db, year, province, as_of, as_json):
    """Offices of the official list that have not submitted: no plan for the year (no_plan), or a plan
    with work due by month M but no month 1..M reported (no_realisation: neither a monthly report sent
    nor a monitoring workbook imported -- progress ticked without a report does not count); imported
    names that match no official office are listed as unmatched.

    \b
    Example:
      python -m rbdash missing --year 2024 --province "Jawa Timur" --json
    """
    from rbdash import regions, submission
    if province is not None and province not in regions.regions():
        raise CliError(f"'{province}' is not a province of the official list")
    df = submission.missing(open_store(db, create=False), year, province=province, as_of=as_of)
    rows = [{"satker": r["satker"], "province": r["province"], "status": r["status"],
             **({"imported_as": r["imported_as"]} if isinstance(r["imported_as"], str) else {})}
            for r in df.to_dict("records")]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        alias = f" (imported as {row['imported_as']})" if "imported_as" in row else ""
        click.echo(f"{row['satker']} · {row['province'] or '-'}: {row['status']}{alias}")
    counts = submission.summary(df)
    click.echo(f"{len(rows)} offices: {counts['no_plan']} no_plan, {counts['no_realisation']} no_realisation, "
               f"{counts['unmatched']} unmatched")


@main.command()
@DB_OPTION
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--as-of", "as_of", type=click.IntRange(1, 12), required=True, help="Condition up to month M.")
@click.option("--province", default=None, help="A provincial deck (its offices) instead of the national one.")
@click.option("--office", "offices", multiple=True, help="An office that gets a Gantt slide; repeat for several.")
@click.option("--no-images", "no_images", is_flag=True,
              help="No charts: the trend as a table.")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="The file to write: .pptx, or .pdf (the same slides, converted by LibreOffice).")
def report(db, year, as_of, province, offices, no_images, out):
    """Write the meeting deck (PowerPoint or PDF, Bahasa Indonesia): title, summary figures, completion
    heatmap, trend, year over year (with plans of more than one year), laggards, who has not submitted, the
    Gantt of each --office.  Prints the slide titles.

    \b
    Example:
      python -m rbdash report --year 2023 --as-of 9 --province "Kalimantan Selatan" --office "KPU Kota Banjarbaru" --out rapat.pptx
    """
    from rbdash import export
    from rbdash import report as deck
    target = Path(out)
    kind = target.suffix.lower()
    if kind not in (".pptx", ".pdf"):
        raise CliError(f"{out}: the deck is written as .pptx or .pdf")
    if not target.parent.is_dir():
        raise CliError(f"{target.parent}: no such folder")
    store = open_store(db, create=False)
    data = deck.deck_bytes(store, year, as_of, province=province, offices=offices, images=not no_images)
    titles = deck.slide_titles(data)
    if kind == ".pdf":
        data = export.deck_pdf(data)
    target.write_bytes(data)
    for i, title in enumerate(titles, start=1):
        click.echo(f"{i:3d}  {title}")
    pages = f" ({export.pdf_pages(data)} PDF pages)" if kind == ".pdf" else ""
    click.echo(f"{out}: {len(titles)} slides{pages}")


@main.command()
@DB_OPTION
@click.option("--satker", required=True, help="The office, in any common spelling, e.g. 'KPU Kota Malang'.")
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--from", "from_version", type=int, default=None,
              help="The older version (default: the one before --to).")
@click.option("--to", "to_version", type=int, default=None, help="The newer version (default: the current one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def diff(db, satker, year, from_version, to_version, as_json):
    """What changed between two versions of an office's plan: activities added, removed and changed
    (schedule, text, area).  By default the current version against the one before.

    Activities are matched across versions as the realisation is carried over on import (area,
    kegiatan, sub kegiatan and indikator, ignoring case, spacing and punctuation): reworded beyond
    that, or moved to another area, an activity is removed and added.  A removed activity with
    realisation recorded is listed with it (it stays on the older version).

    \b
    Example:
      python -m rbdash diff --satker "KPU Kota Malang" --year 2024 --json
    """
    from rbdash import diff as plans_diff
    from rbdash import wording
    found = plans_diff.plan_diff(open_store(db, create=False), satker, year, from_version, to_version)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        return
    click.echo(f"{found.satker} {found.year}, version {found.from_version} -> {found.to_version}: "
               f"{wording.plan_changes(found.changes, 'en')}")
    for entry in found.added:
        click.echo(f"added: {_activity(entry)} | planned {_months(entry['planned'])}")
    for entry in found.removed:
        kept = ""
        if plans_diff.recorded(entry):
            parts = [f"realised {_months(entry['realised'])}"] + \
                [f"{what} {entry[key]}" for what, key in (("evidence", "evidence_url"), ("note", "note")) if entry[key]]
            kept = f" | {', '.join(parts)} (kept on version {found.from_version})"
        click.echo(f"removed: {_activity(entry)} | planned {_months(entry['planned'])}{kept}")
    for entry in found.changed:
        parts = []
        if "schedule" in entry["changes"]:
            parts.append(f"schedule {_months(entry['planned_before'])} -> {_months(entry['planned_after'])}")
        if "area" in entry["changes"]:
            parts.append(f"area {entry['area_before'] or '-'} -> {entry['area_after'] or '-'}")
        parts += [f"{name} {_line(entry['text_before'][name])!r} -> {_line(entry['text_after'][name])!r}"
                  for name in entry["text_before"]]
        click.echo(f"changed: {_activity(entry)} | {' | '.join(parts)}")


def _line(text) -> str:
    """A cell's text on one line (an indikator may hold several lines)."""
    return " ".join(str(text).split()) if text is not None else ""


def _activity(entry) -> str:
    """'area 1 | Kegiatan | Sub kegiatan | Indikator': an activity of a diff on one line."""
    words = [_line(entry[k]) for k in ("kegiatan", "sub_kegiatan", "indikator") if entry[k]]
    return " | ".join([f"area {entry['area_no'] or '-'}", *words])


def _months(months) -> str:
    """[1, 2, 3] -> '1,2,3'; none -> '-'."""
    return ",".join(map(str, months)) or "-"


def _password(confirm=True):
    """The password from $RBDASH_PASSWORD (for scripts) or a hidden prompt; never echoed or logged."""
    import os
    return os.environ.get("RBDASH_PASSWORD") or click.prompt("Password", hide_input=True,
                                                             confirmation_prompt=confirm)


@main.group()
def user():
    """Accounts: who may import and edit which offices (roles admin, province, office, viewer).

    These commands need no login: the CLI acts as an admin, recorded in the audit trail as
    cli:<operating-system user>.  Passwords: at least 10 characters, not common, not the user name.

    \b
    Example:
      python -m rbdash user add admin --role admin
    """


@user.command("add")
@DB_OPTION
@click.option("--role", type=CoreChoice("rbdash.accounts:ROLES"), required=True,
              help="What the account may do: admin (everything, accounts), province (its province's offices), "
                   "office (its own office), viewer (read only).")
@click.option("--satker", default=None, help="The office of an 'office' account, e.g. 'KPU Kota Malang'.")
@click.option("--province", default=None, help="The province of a 'province' account, e.g. 'Jawa Timur'.")
@click.argument("username")
def user_add(db, role, satker, province, username):
    """Create an account; the password comes from a prompt or $RBDASH_PASSWORD.

    \b
    Examples:
      python -m rbdash user add admin --role admin
      python -m rbdash user add malang --role office --satker "KPU Kota Malang"
    """
    created = open_store(db).add_user(username, _password(), role, actor=actor(), satker=satker, province=province)
    click.echo(f"added {created.username}: {created.role}"
               f"{' ' + (created.satker or created.province) if created.satker or created.province else ''}")


@user.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def user_list(db, as_json):
    """List the accounts (never their passwords).

    \b
    Example:
      python -m rbdash user list --json
    """
    rows = open_store(db, create=False).users()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for r in rows:
        scope = r["satker"] or r["province"] or ""
        click.echo(f"{r['username']}\t{r['role']}\t{scope}\t{'active' if r['active'] else 'disabled'}")


@user.command("disable")
@DB_OPTION
@click.argument("username")
def user_disable(db, username):
    """Disable an account (it can no longer log in; its history stays).  The last active admin cannot be
    disabled: add or enable another admin first.

    \b
    Example:
      python -m rbdash user disable malang
    """
    open_store(db, create=False).set_active(username, False, actor())
    click.echo(f"disabled {username}")


@user.command("enable")
@DB_OPTION
@click.argument("username")
def user_enable(db, username):
    """Enable a disabled account again.

    \b
    Example:
      python -m rbdash user enable malang
    """
    open_store(db, create=False).set_active(username, True, actor())
    click.echo(f"enabled {username}")


@user.command("passwd")
@DB_OPTION
@click.argument("username")
def user_passwd(db, username):
    """Set a new password (from a prompt or $RBDASH_PASSWORD).

    \b
    Example:
      RBDASH_PASSWORD=... python -m rbdash user passwd malang
    """
    open_store(db, create=False).set_password(username, _password(), actor())
    click.echo(f"password changed for {username}")


# --------------------------------------------------------------------------------- backup

@main.command()
@DB_OPTION
@click.argument("out", type=click.Path(file_okay=False))
def backup(db, out):
    """Write a consistent snapshot of the database into the new folder OUT (works while the app runs), signed
    with the backup key (RBDASH_BACKUP_KEY, else rbdash-backup.key beside the database, made by the first backup).

    \b
    Example:
      python -m rbdash backup --db data/rbdash.duckdb backups/2026-11-25
    """
    from rbdash.store import backup as snapshot
    store = open_store(db, create=False)
    manifest = snapshot.backup(store, out)
    rows = ", ".join(f"{t} {v['rows']}" for t, v in manifest["tables"].items())
    click.echo(f"backup written to {out}: {rows}")
    click.echo(f"signed with the backup key in {snapshot.key_source(store.path)}: keep a copy apart from the "
               "backups, restoring needs it")


@main.command()
@DB_OPTION
@click.option("--replace", is_flag=True, help="Replace an existing database file (stop the app first).")
@click.argument("source", type=click.Path(file_okay=False, exists=True))
def restore(db, replace, source):
    """Rebuild the database from a backup folder: its signature (the backup key: RBDASH_BACKUP_KEY, else
    rbdash-backup.key beside the database), every file and every table are checked before it is used.

    \b
    Example:
      python -m rbdash restore backups/2026-11-25 --db data/rbdash.duckdb
    """
    from rbdash.store import backup as snapshot
    from rbdash.store import default_db_path
    manifest = snapshot.restore(source, db or default_db_path(), replace=replace)
    click.echo(f"restored {db or default_db_path()} from {source} made {manifest['created_at']} "
               f"({sum(v['rows'] for v in manifest['tables'].values())} rows; signature, files and tables checked)")


@main.command("migrate-store")
@click.option("--from", "source", required=True, help="The database to copy (a DuckDB file or postgresql:// URL).")
@click.option("--to", "target", required=True, help="An empty database to copy into (URL or new DuckDB file).")
def migrate_store(source, target):
    """Copy every table of one store into an empty one (e.g. an embedded DuckDB file into PostgreSQL) in one
    transaction, then compare both table by table (row counts and checksums).

    \b
    Example:
      python -m rbdash migrate-store --from data/rbdash.duckdb --to postgresql://rb:...@db:5432/rbdash
    """
    from rbdash.store import backup as snapshot
    from rbdash.store import check_db_path
    path = check_db_path(source)
    if isinstance(path, Path) and not path.exists():
        raise CliError(f"{path}: no such database")
    src, dst = open_store(source, create=False), open_store(target)
    digests = snapshot.copy_store(src, dst)
    rows = ", ".join(f"{t} {v['rows']}" for t, v in digests.items())
    click.echo(f"copied {src.path} to {dst.path}: {rows}; every table checked")
