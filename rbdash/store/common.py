"""Helpers shared by the store's modules."""

import datetime as dt
import re
from urllib.parse import urlsplit

from rbdash.accounts import User


def is_url(text: str) -> bool:
    """Whether a database location is a PostgreSQL server's URL (here, not in the pg module: a DuckDB
    file's commands never import the PostgreSQL driver just to ask)."""
    return bool(re.match(r"^(postgresql|postgres)://", str(text), re.I))


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


# -- database URLs in messages ----------------------------------------------------------------------
# A password may hold any character, typed unencoded ('@', ':', '/', '#', '?'): where it ends cannot
# be known from a pattern.  So the URL is taken apart -- the credentials are everything before the
# *last* '@' (no host, port or database name holds one) -- and shown rebuilt from its parts, without
# the password and without the query string (libpq also takes ``?password=``).

def _url_parts(url: str) -> tuple[str, str | None, bool, str]:
    """(scheme, user or None, has a password, host[:port][/database]) of a database URL."""
    scheme, sep, rest = str(url).partition("://")
    if not sep:
        scheme, rest = "", str(url)
    credentials, at, location = rest.rpartition("@")
    user, colon, _ = credentials.partition(":")
    if at and not all(c.isalnum() or c in "._-%" for c in user):
        user = "***"  # not a plain user name: it may hold the password's start
    split = urlsplit("//" + location)
    return scheme, (user if at else None), bool(at and colon), split.netloc + split.path


def redact(url: str) -> str:
    """The URL without its password or query (for messages, cache keys and logs)."""
    scheme, user, password, location = _url_parts(url)
    who = f"{user}{':***' if password else ''}@" if user is not None else ""
    return f"{scheme + '://' if scheme else ''}{who}{location}"


def where(url: str) -> str:
    """host:port/database of a URL, for one-line messages."""
    return _url_parts(url)[3]
