"""Backups: a consistent snapshot of every table while the app runs, and a restore that checks it.

A backup is a folder: DuckDB's ``EXPORT DATABASE`` (schema.sql, load.sql and one Parquet file per
table -- readable by any DuckDB, pandas or PostgreSQL tooling) plus ``manifest.json`` with each
table's row count and a checksum of its content.  The export runs in one transaction while this
process holds the file, so it is a consistent snapshot even with the app writing: the app's writes
simply wait a moment.  A restore rebuilds the database under a temporary name, compares it with the
manifest and only then moves it into place, holding the old file's lock meanwhile.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from contextlib import ExitStack
from pathlib import Path

import duckdb

from rbdash.duckfile import DuckFile, companions, private_files, wal_path
from rbdash.errors import StoreError

MANIFEST = "manifest.json"


def table_digests(store) -> dict:
    """{table: {"rows": n, "sha256": digest of its rows in a canonical order}} for every base table."""
    with store.connect() as con:
        return _digests(con)


def _digests(con) -> dict:
    out = {}
    tables = [r[0] for r in con.execute(
        """SELECT table_name FROM information_schema.tables
           WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY 1""").fetchall()]
    for table in tables:
        digest = hashlib.sha256()
        rows = con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
        for row in rows:
            digest.update(repr(row).encode())
        out[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return out


def backup(store, out) -> dict:
    """Write a snapshot of ``store`` into the new folder ``out``; returns the manifest."""
    if store.backend != "duckdb":
        raise StoreError("duckdb_only", command="backup", tool="pg_dump -Fc")
    private_files()  # users.parquet holds the password hashes: folder 0700, files 0600
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError("backup_exists", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    with store.transaction() as con:  # one snapshot for the export and its checksums
        con.execute(f"EXPORT DATABASE {_literal(out)} (FORMAT parquet)").fetchall()
        digests = _digests(con)
    manifest = {"created_at": dt.datetime.now().isoformat(timespec="seconds"), "source": str(store.path),
                "schema_version": store.schema_version(), "tables": digests}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def restore(source: str | Path, db_path: str | Path, replace: bool = False) -> dict:
    """Rebuild a database file from a backup folder, verified against its manifest.  Refuses to
    overwrite an existing database unless ``replace``.  Returns the manifest."""
    from rbdash.store import Store, check_db_path
    private_files()  # the rebuilt file holds the password hashes: 0600, as every database file
    source, db_path = Path(source), check_db_path(db_path)
    if not isinstance(db_path, Path):
        raise StoreError("duckdb_only", command="restore", tool="pg_restore")
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreError("backup_unreadable", path=str(source)) from None
    if db_path.exists() and not replace:
        raise StoreError("restore_exists", path=str(db_path))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    leftovers = [tmp, *companions(tmp)]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            _import(con, source, manifest["tables"])
            con.execute("CHECKPOINT").fetchall()
        except duckdb.Error as exc:
            raise StoreError("backup_unreadable", path=str(source)) from exc
        finally:
            con.close()
        got = table_digests(Store(tmp))
        if got != manifest["tables"]:
            bad = sorted(t for t in set(got) | set(manifest["tables"]) if got.get(t) != manifest["tables"].get(t))
            raise StoreError("backup_mismatch", tables=", ".join(bad))
        with ExitStack() as held:
            # hold the file as any writer does while it is replaced: a process that had the old file
            # open would otherwise commit into the replaced file, its acknowledged writes lost (a
            # busy file is waited for, then refused as busy; one DuckDB cannot open needs no guard)
            if db_path.exists():
                try:
                    held.enter_context(DuckFile.of(db_path).cursor())
                except StoreError as exc:
                    if exc.code == "db_busy":
                        raise
            os.replace(tmp, db_path)
            wal_path(db_path).unlink(missing_ok=True)
        return manifest
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)


def _import(con, source, tables):
    """IMPORT DATABASE, except that views are created after the tables and in dependency order
    (DuckDB exports them alphabetically: latest_plans before the latest_versions it reads)."""
    statements = [t.strip() for t in (source / "schema.sql").read_text(encoding="utf-8").split(";\n") if t.strip()]
    views = [t for t in statements if t.upper().startswith("CREATE VIEW")]
    for sql in statements:
        if sql not in views:
            con.execute(sql).fetchall()
    while views:
        pending = []
        for sql in views:
            try:
                con.execute(sql).fetchall()
            except duckdb.CatalogException:
                pending.append(sql)
        if len(pending) == len(views):
            raise StoreError("backup_unreadable", path=str(source))
        views = pending
    for table in tables:  # from the folder as it is now (load.sql names where it was written)
        if not re.fullmatch(r"[a-z_]+", table):
            raise StoreError("backup_unreadable", path=str(source))
        con.execute(f"COPY {table} FROM {_literal(source / (table + '.parquet'))} (FORMAT parquet)").fetchall()


def _literal(path) -> str:
    """A folder path as an SQL string literal: EXPORT/IMPORT DATABASE take no parameters, so the
    path is quoted here (quotes doubled) and nothing else from the user reaches the statement."""
    return "'" + str(Path(path).resolve()).replace("'", "''") + "'"


def remove(path: str | Path) -> None:
    """Delete a backup folder (tests and the CLI's cleanup on failure)."""
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------- between backends

def store_digests(store) -> dict:
    """{table: {"rows", "sha256"}} of the store's tables, comparable across backends (rows ordered here,
    not by the database)."""
    from rbdash.store import TABLES
    out = {}
    with store.connect() as con:
        for table in TABLES:
            rows = sorted((repr(tuple(r)) for r in con.execute(f"SELECT * FROM {table}").fetchall()))
            digest = hashlib.sha256()
            for row in rows:
                digest.update(row.encode())
            out[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return out


def copy_store(source, target) -> dict:
    """Every row of every table of ``source`` into the empty store ``target`` (either backend, e.g. a
    DuckDB file into PostgreSQL) in one transaction, then both compared table by table (row counts and
    checksums).  Nothing is audited or changed: ids, times and revisions are kept.  Returns the digests."""
    import pyarrow as pa
    from rbdash.store import TABLES
    if source.schema_version() != target.schema_version():
        raise StoreError("copy_schema", source=source.schema_version(), target=target.schema_version())
    if any(target.counts().values()):
        raise StoreError("copy_not_empty", path=str(target.path))
    with source.connect() as src, target.transaction() as dst:
        for table in TABLES:
            res = src.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in res.description]
            rows = res.fetchall()
            if rows:
                target._insert(dst, table, pa.table({n: list(col) for n, col in zip(names, zip(*rows))}))
    want, got = store_digests(source), store_digests(target)
    if want != got:
        bad = sorted(t for t in want if want[t] != got.get(t))
        raise StoreError("backup_mismatch", tables=", ".join(bad))
    return got
