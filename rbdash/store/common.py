"""Helpers shared by the store's modules."""

import datetime as dt

from rbdash.accounts import User


def as_user(actor) -> User:
    """The acting user: a User, or a plain name for a system actor (the CLI, the first start)."""
    return actor if isinstance(actor, User) else User.system(str(actor or "sistem"))


def one(con, sql: str, params: list | None = None) -> tuple | None:
    """First row or None, draining the result (see run)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def run(con, sql: str, params: list | None = None) -> list:
    """Execute and drain: DuckDB 2 refuses new work while a result is still pending."""
    return con.execute(sql, params or []).fetchall()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
