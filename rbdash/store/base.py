"""The two interfaces inside the store package, written down so that nothing relies on an attribute
it merely hopes is there:

- ``Backend``: what the Store needs of where the data lives.  ``duck.DuckBackend`` (a DuckDB file)
  and ``pg.PgBackend`` (a PostgreSQL server) subclass it and implement it with the same signatures,
  so the Store never asks which one it has (tests/test_store.py compares them).
- ``StoreCore``: what the Store's mixins (``plans``, ``progress``, ``verification``, ``users``) use of the Store
  itself: connections, transactions, fresh ids, the audit trail and bulk inserts.  The mixins
  subclass it and ``Store`` implements it (a missing method fails at ``Store()``, not halfway
  through an import).
"""

from abc import abstractmethod
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Backend(Protocol):
    """One database: connections, the transaction discipline and the dialect of one kind of server."""

    kind: str                       # "duckdb" or "postgresql"
    path: Any                       # the file's Path, or the server URL without its password
    ids_outlive_transactions: bool  # no other process can write between our transactions (a held file)
    write_lock: AbstractContextManager  # held around every write of this process (a no-op on a server)

    @abstractmethod
    def cursor(self, busy_timeout: float = 20.0) -> AbstractContextManager:
        """A connection speaking DuckDB's SQL with ``?`` placeholders; driver errors as the project's."""

    @abstractmethod
    def transaction(self, con) -> AbstractContextManager:
        """BEGIN .. COMMIT on ``con``, ROLLBACK on any error; writers serialised."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what this process keeps open (idle connections)."""

    @abstractmethod
    def ddl(self, sql: str) -> str:
        """A migration statement in this server's words."""

    @abstractmethod
    def before_migration(self, version: int) -> list[str]:
        """Statements to run before migration ``version`` (functions the shared SQL needs)."""

    @abstractmethod
    def after_migration(self, version: int) -> list[str]:
        """Statements to run after migration ``version`` (indexes)."""

    @abstractmethod
    def insert(self, con, table: str, arrow_table) -> None:
        """Bulk insert an Arrow table whose columns are ``table``'s, in order."""

    @abstractmethod
    def stamp(self) -> str | None:
        """Something that changes with every commit and costs no query (a DuckDB file's stat), or
        None where there is none (a server): while it stays the same, Store.version answers from memory."""

    @abstractmethod
    def grown(self, con, added: dict) -> None:
        """Tables that just grew by ``added`` rows ({table: rows}) in the transaction of ``con``: the
        planner's statistics of those that grew by much, brought up to date (PostgreSQL)."""

    @abstractmethod
    def identity(self) -> str:
        """What tells this database from another at the same location, beyond its migrations' history
        (which a backup carries): a DuckDB file's inode (a restore moves another file into place, whose
        audit log may be shorter), '' on a server (nothing replaces it under a running app)."""


class StoreCore(Protocol):
    """What plans.py, progress.py, verification.py and users.py use of the Store (implemented in
    rbdash.store.Store)."""

    @abstractmethod
    def connect(self) -> AbstractContextManager:
        """A connection (the session's own inside ``session()``)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager:
        """A write transaction; yields its connection."""

    @abstractmethod
    def next_id(self, con, table: str, n: int = 1) -> int:
        """The first of ``n`` fresh, contiguous ids of ``table`` (writers are serialised)."""

    @abstractmethod
    def audit(self, con, user, action, satker, year, pv_id, activity_id, detail) -> None:
        """Record one change in the audit trail, in the caller's transaction."""

    @abstractmethod
    def audit_row(self, con, user, action, satker, year, pv_id, activity_id, detail, when=None) -> dict:
        """One audit_log row by column, for a caller inserting several at once."""

    @abstractmethod
    def insert_rows(self, con, table: str, arrow_table) -> None:
        """Bulk insert an Arrow table whose columns are ``table``'s, in order."""

    @abstractmethod
    def grown(self, con, added: dict) -> None:
        """Tables that just grew by ``added`` rows ({table: rows}): see Backend.grown."""
