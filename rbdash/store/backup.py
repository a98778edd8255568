"""Backups: a consistent snapshot of every table while the app runs, and a restore that trusts
nothing in the folder it has not checked.

A backup is a folder: one Parquet file per table (readable by any DuckDB, pandas or PostgreSQL
tooling) and ``manifest.json``: the schema version, each table's row count and a checksum of its
rows, each file's size and SHA-256, and an HMAC-SHA256 of all that with the backup key.  The tables
are read in one transaction while this process holds the file, so the backup is a consistent
snapshot even with the app writing: the app's writes simply wait a moment.

A restore runs nothing from the folder.  It checks the manifest's MAC with the key (so a folder
rewritten by someone without the key -- an admin added to users.parquet, every checksum recomputed
-- is refused), then each file's size and SHA-256 (corruption), builds the schema from the code's
own migrations at the backup's version, loads the Parquet files of exactly those tables, each
column checked against the schema, compares every table with the manifest, runs the later
migrations, and only then moves the new file into place, holding the old file's lock meanwhile.
Files are opened by the restore itself, as plain files of the folder (a link is refused), and
nothing the folder holds ever reaches an SQL statement.

The key: ``RBDASH_BACKUP_KEY`` if set, else ``rbdash-backup.key`` beside the database, created
(0600, from ``secrets``) by the first backup.  A restore never creates one: a backup made with
another key would only fail later.
"""

import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import secrets
import shutil
import stat
from contextlib import ExitStack
from pathlib import Path

from rbdash.duckfile import DuckFile, companions, private_files, wal_path
from rbdash.errors import StoreError
from rbdash.store.common import one

MANIFEST = "manifest.json"
FORMAT = "rbdash backup 2"  # 1: DuckDB's EXPORT DATABASE with an unsigned manifest (refused)
KEY_ENV = "RBDASH_BACKUP_KEY"
KEY_FILE = "rbdash-backup.key"
MIN_KEY = 32                # characters: a passphrase shorter than this is guessable offline
MANIFEST_LIMIT = 1 << 20    # bytes: a manifest names a handful of tables


# --------------------------------------------------------------------------------- checksums

def table_digests(store, tables=None) -> dict:
    """{table: {"rows": n, "sha256": digest of its rows}} of the store's tables (default: all), equal
    across backends (rows ordered here, not by the database)."""
    from rbdash.store import TABLES
    with store.connect() as con:
        return _digests(con, tables or TABLES)


def _digests(con, tables) -> dict:
    out = {}
    for table in tables:
        rows = sorted(repr(tuple(r)) for r in con.execute(f"SELECT * FROM {table}").fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode())
        out[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return out


# --------------------------------------------------------------------------------- the key

def key_source(db_path) -> str:
    """Where the backup key of the database at ``db_path`` comes from (for messages)."""
    return KEY_ENV if os.environ.get(KEY_ENV, "").strip() else str(Path(db_path).parent / KEY_FILE)


def backup_key(db_path, create=False) -> tuple[bytes, str]:
    """(the backup key, where it came from): ``RBDASH_BACKUP_KEY``, else the key file beside the
    database, created when ``create`` (a backup) and missing.  No key is StoreError."""
    where = key_source(db_path)
    if where == KEY_ENV:
        text = os.environ[KEY_ENV].strip()
    else:
        path = Path(where)
        try:
            if create and not path.exists():
                _new_key_file(path)
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise StoreError("backup_no_key", dir=str(path.parent)) from None
        except (OSError, ValueError) as exc:
            raise StoreError("backup_key_unreadable", key=where, detail=getattr(exc, "strerror", None)
                             or type(exc).__name__) from None
    if len(text) < MIN_KEY:
        raise StoreError("backup_key_bad", key=where, length=len(text))
    return text.encode("utf-8", "surrogateescape"), where


def _new_key_file(path: Path) -> None:
    """Write a new random key to ``path`` (0600) atomically: written under a private name, then
    linked into place, so a concurrent backup reads either no key or the whole of the one key."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    _write_new(tmp, (secrets.token_hex(32) + "\n").encode())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another backup made it first: use that one
    finally:
        tmp.unlink(missing_ok=True)


def key_id(key: bytes) -> str:
    """A name for a key that reveals nothing of it: tells "made with another key" from "changed"."""
    return hmac.new(key, b"rbdash backup key id", hashlib.sha256).hexdigest()[:16]


def _mac(body: dict, key: bytes) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, b"rbdash backup manifest\n" + text.encode(), hashlib.sha256).hexdigest()


def sign(manifest: dict, key: bytes) -> dict:
    """The manifest with the key's id and the MAC over everything else in it."""
    body = {k: v for k, v in manifest.items() if k != "mac"}
    body["key_id"] = key_id(key)
    return {**body, "mac": _mac(body, key)}


def _verify(manifest, key, where, source) -> None:
    """StoreError unless the manifest's MAC is the key's over its content."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("mac"), str):
        raise StoreError("backup_unsigned", path=str(source))
    body = {k: v for k, v in manifest.items() if k != "mac"}
    if not hmac.compare_digest(manifest["mac"].encode("ascii", "replace"), _mac(body, key).encode()):
        if manifest.get("key_id") != key_id(key):
            raise StoreError("backup_other_key", path=str(source), key=where)
        raise StoreError("backup_forged", path=str(source))


# --------------------------------------------------------------------------------- files

def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (never an existing file, never through a link) readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with open(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read_member(source: Path, name: str, limit: int) -> bytes | None:
    """The bytes of the file ``name`` of the backup folder itself (None when absent): a link, which
    could point anywhere, a device or a FIFO is refused; at most ``limit`` + 1 bytes are read."""
    path = source / name
    try:
        if path.is_symlink():
            raise StoreError("backup_link", file=name, path=str(source))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link after the check
            raise StoreError("backup_link", file=name, path=str(source)) from None
        raise StoreError("backup_unreadable", path=str(source)) from None
    with open(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StoreError("backup_link", file=name, path=str(source))
        return f.read(min(limit, st.st_size) + 1)


# --------------------------------------------------------------------------------- backup

def backup(store, out) -> dict:
    """Write a signed snapshot of ``store`` into the new folder ``out``; returns the manifest."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from rbdash.store import TABLES
    if store.backend != "duckdb":
        raise StoreError("duckdb_only", command="backup", tool="pg_dump -Fc")
    tables = (*TABLES, "migrations")  # the migrations' history too: the restored file is the same database
    with store.connect() as con:  # a store kept at an older schema lacks the later tables
        present = {r[0] for r in con.execute(
            """SELECT table_name FROM information_schema.tables
               WHERE table_type = 'BASE TABLE' AND table_schema = 'main'""").fetchall()}
    tables = tuple(t for t in tables if t in present)
    private_files()  # users.parquet holds the password hashes: folder 0700, files 0600
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError("backup_exists", path=str(out))
    key, _ = backup_key(store.path, create=True)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    with store.transaction() as con:  # one snapshot for the files and their checksums
        version = one(con, "SELECT max(version) FROM migrations")[0]
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        tables = [t for t in tables if t in present]  # a store kept at an older schema has fewer tables
        for table in tables:
            sink = pa.BufferOutputStream()
            pq.write_table(con.sql(f"SELECT * FROM {table}").to_arrow_table(), sink)
            blob = sink.getvalue().to_pybytes()
            _write_new(out / f"{table}.parquet", blob)
            files[f"{table}.parquet"] = {"bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
        digests = _digests(con, tables)
    manifest = sign({"format": FORMAT, "created_at": dt.datetime.now().isoformat(timespec="seconds"),
                     "source": str(store.path), "schema_version": version, "tables": digests, "files": files}, key)
    _write_new(out / MANIFEST, json.dumps(manifest, indent=1).encode())
    return manifest


# --------------------------------------------------------------------------------- restore

def restore(source: str | Path, db_path: str | Path, replace: bool = False) -> dict:
    """Rebuild a database file from a backup folder whose manifest the backup key signed, verified
    file by file and table by table.  Refuses to overwrite an existing database unless ``replace``.
    Returns the manifest."""
    from rbdash.store import Store, check_db_path
    private_files()  # the rebuilt file holds the password hashes: 0600, as every database file
    source, db_path = Path(source), check_db_path(db_path)
    if not isinstance(db_path, Path):
        raise StoreError("duckdb_only", command="restore", tool="pg_restore")
    text = _read_member(source, MANIFEST, MANIFEST_LIMIT)
    try:
        manifest = json.loads(text) if text and len(text) <= MANIFEST_LIMIT else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict):
        raise StoreError("backup_unreadable", path=str(source))
    key, where = backup_key(db_path)
    _verify(manifest, key, where, source)
    version, tables = _contents(manifest, source)
    if db_path.exists() and not replace:
        raise StoreError("restore_exists", path=str(db_path))
    data = {table: _parquet(source, table, manifest["files"][f"{table}.parquet"]) for table in tables}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    leftovers = [tmp, *companions(tmp)]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        store = Store(tmp, schema_version=version)
        _load(store, source, version, data)
        got = table_digests(store, tables)
        if got != manifest["tables"]:
            bad = sorted(t for t in tables if got.get(t) != manifest["tables"].get(t))
            raise StoreError("backup_mismatch", tables=", ".join(bad))
        store.migrate()
        with store.connect() as con:
            con.execute("CHECKPOINT").fetchall()
        store.close()  # not open under its old name once renamed (a lingering file: rbdash.duckfile)
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


def _contents(manifest, source) -> tuple[int, list[str]]:
    """(schema version, tables) of a signed manifest, checked for shape: it is the key holder's, but
    may come from another rbdash version.  Only the code's own tables are named (so only their files
    in the folder are ever opened)."""
    from rbdash.store import TABLES
    from rbdash.store.schema import MIGRATIONS
    version, tables, files = (manifest.get(k) for k in ("schema_version", "tables", "files"))
    shaped = (manifest.get("format") == FORMAT and type(version) is int and version >= 1
              and isinstance(manifest.get("created_at"), str)
              and isinstance(tables, dict) and set(tables) <= {*TABLES, "migrations"}
              and isinstance(files, dict) and set(files) == {f"{t}.parquet" for t in tables}
              and all(isinstance(f, dict) and type(f.get("bytes")) is int and f["bytes"] >= 0
                      and isinstance(f.get("sha256"), str) for f in files.values()))
    if not shaped:
        raise StoreError("backup_unreadable", path=str(source))
    known = MIGRATIONS[-1][0]
    if version > known:
        raise StoreError("backup_newer", path=str(source), version=version, known=known)
    return version, sorted(tables)


def _parquet(source, table, expected):
    """The Arrow table of ``table``'s file, read once: the bytes checked against the signed size and
    SHA-256 are the bytes parsed."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    name = f"{table}.parquet"
    blob = _read_member(source, name, expected["bytes"])
    if blob is None or len(blob) != expected["bytes"] or hashlib.sha256(blob).hexdigest() != expected["sha256"]:
        raise StoreError("backup_damaged", file=name, path=str(source))
    try:
        return pq.read_table(pa.BufferReader(_arrow_copy(blob)))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise StoreError("backup_table", file=name, path=str(source), table=table,
                         detail=f"not readable as Parquet: {str(exc).splitlines()[0][:120]}") from None


def _arrow_copy(blob: bytes):
    """``blob`` copied into memory Arrow owns, for Arrow to read.  A Parquet read lets go of its input
    on one of Arrow's threads, possibly after it returned; memory lent by a Python object is let go
    under the GIL, and a thread asking for the GIL while the interpreter shuts down is ended inside
    that C++ destructor: std::terminate, "terminate called without an active exception", a CLI that
    printed its refusal dying with SIGABRT (apache/arrow#49942; rare, and only under load)."""
    import pyarrow as pa
    buffer = pa.allocate_buffer(len(blob))
    memoryview(buffer).cast("B")[:] = blob
    return buffer


def _load(store, source, version, data) -> None:
    """Insert each table's rows into the freshly migrated ``store``, in one transaction, after its
    columns were matched by name and type against the table's (reordered if need be)."""
    import duckdb
    from rbdash.store import DERIVED, TRANSIENT, counts
    with store.connect() as con:
        present = {r[0] for r in con.execute(
            """SELECT table_name FROM information_schema.tables
               WHERE table_type = 'BASE TABLE' AND table_schema = 'main'""").fetchall()}
        if present - set(TRANSIENT) - set(DERIVED) != set(data) or "migrations" not in data:
            raise StoreError("backup_unreadable", path=str(source))
        want = {table: con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema for table in data}
        ran = sorted(r[0] for r in con.execute("SELECT version FROM migrations").fetchall())
    fitted = {table: _fit(source, table, rows, want[table]) for table, rows in data.items()}
    if sorted(fitted["migrations"].column("version").to_pylist()) != ran:
        raise StoreError("backup_table", file="migrations.parquet", path=str(source), table="migrations",
                         detail=f"its versions are not 1 to {version}")
    with store.transaction() as con:
        con.execute("DELETE FROM migrations").fetchall()  # the same migrations, with their original dates
        for table, rows in fitted.items():
            try:
                store.insert_rows(con, table, rows)
            except duckdb.Error as exc:
                raise StoreError("backup_table", file=f"{table}.parquet", path=str(source), table=table,
                                 detail=str(exc).strip().splitlines()[0][:160]) from None
        if set(DERIVED) <= present:  # else the later migration that makes them derives them
            counts.rebuild(con)


def _fit(source, table, rows, schema):
    """``rows`` with exactly the columns of ``schema`` in its order, else StoreError naming what is
    missing, unexpected or of another type."""
    names = rows.schema.names
    have = {f.name: f.type for f in rows.schema}
    problems = []
    if len(set(names)) != len(names):
        problems.append("duplicate columns")
    missing = [f.name for f in schema if f.name not in have]
    extra = [n for n in names if n not in schema.names]
    if missing:
        problems.append("missing " + ", ".join(missing))
    if extra:
        problems.append("unexpected " + ", ".join(extra))
    problems += [f"{f.name} is {have[f.name]}, not {f.type}" for f in schema
                 if f.name in have and have[f.name] != f.type]
    if problems:
        raise StoreError("backup_table", file=f"{table}.parquet", path=str(source), table=table,
                         detail="; ".join(problems))
    return rows.select(schema.names)


def remove(path: str | Path) -> None:
    """Delete a backup folder (tests and the CLI's cleanup on failure)."""
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------- between backends

def copy_store(source, target) -> dict:
    """Every row of every table of ``source`` into the empty store ``target`` (either backend, e.g. a
    DuckDB file into PostgreSQL) in one transaction, then both compared table by table (row counts and
    checksums).  Nothing is audited or changed: ids, times and revisions are kept.  Returns the digests."""
    import pyarrow as pa
    from rbdash.store import TABLES, counts
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
                target.insert_rows(dst, table, pa.table({n: list(col) for n, col in zip(names, zip(*rows))}))
        counts.rebuild(dst)
    want, got = table_digests(source), table_digests(target)
    if want != got:
        bad = sorted(t for t in want if want[t] != got.get(t))
        raise StoreError("backup_mismatch", tables=", ".join(bad))
    return got
