"""Accounts: argon2 hashes in the ``users`` table, managed by an admin (or the CLI, which runs with
the file's owner's rights), audited without any password; logins throttled per name and per client
address in the ``login_failures`` table, so the count holds across sessions and replicas."""

import datetime as dt
import math
import re

from rbdash import accounts, regions
from rbdash.accounts import ROLES, User
from rbdash.errors import PermissionDenied, ValidationError
from rbdash.store.base import StoreCore
from rbdash.store.common import as_user, now, one, run

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
_COUNT_FIRST = "INSERT INTO login_failures (failures, last_failed_at, locked_until, subject) VALUES (?, ?, ?, ?)"
_COUNT_AGAIN = "UPDATE login_failures SET failures = ?, last_failed_at = ?, locked_until = ? WHERE subject = ?"


class UsersMixin(StoreCore):
    def accounts_enabled(self) -> bool:
        """True once any account exists: from then on visitors who have not logged in are viewers.
        Accounts are never deleted and the last active admin cannot be disabled, so open mode never
        comes back."""
        with self.connect() as con:
            return bool(one(con, "SELECT count(*) FROM users")[0])

    def add_user(self, username, password, role, actor, satker=None, province=None) -> User:
        user = as_user(actor)
        user.check_admin()
        username = (username or "").strip().lower()
        if not _USERNAME.fullmatch(username):
            raise ValidationError("bad_username")
        _check_password(password, username)
        if role not in ROLES:
            raise ValidationError("bad_role", role=role)
        satker, province = _scope(role, satker, province)
        with self.transaction() as con:
            if one(con, "SELECT 1 FROM users WHERE username = ?", [username]):
                raise ValidationError("user_exists", username=username)
            when = now()
            run(con, "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
                [self.next_id(con, "users"), username, accounts.hash_password(password), role, province, satker,
                 when, when])
            self.audit(con, user, "account", satker, None, None, None,
                        {"user": username, "change": "add", "role": role, "province": province})
        return User(username, role, province, satker)

    def users(self) -> list[dict]:
        with self.connect() as con:
            rows = con.execute("""SELECT username, role, province, satker, active, created_at, updated_at
                                  FROM users ORDER BY username""").fetchall()
        keys = ("username", "role", "province", "satker", "active", "created_at", "updated_at")
        return [dict(zip(keys, r)) for r in rows]

    def set_active(self, username: str, active: bool, actor: User | str) -> None:
        self._change_user(username, actor, "enable" if active else "disable",
                          "UPDATE users SET active = ?, updated_at = ? WHERE username = ?", bool(active))

    def set_password(self, username: str, password: str, actor: User | str) -> None:
        """A new password; it also lifts the account's login wait (the admin vouches for the person)."""
        _check_password(password, username)
        self._change_user(username, actor, "password",
                          "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?",
                          accounts.hash_password(password))

    def _change_user(self, username, actor, change, sql, value):
        """Apply one account change in a transaction that refuses to leave no active admin where
        there was one (so disabling -- or any future demotion -- of the last admin is refused here,
        for the CLI and any page alike)."""
        user = as_user(actor)
        user.check_admin()
        with self.transaction() as con:
            if not one(con, "SELECT 1 FROM users WHERE username = ?", [username]):
                raise ValidationError("unknown_user", username=username)
            admins = one(con, "SELECT count(*) FROM users WHERE role = 'admin' AND active")[0]
            run(con, sql, [value, now(), username])
            if admins and not one(con, "SELECT count(*) FROM users WHERE role = 'admin' AND active")[0]:
                raise ValidationError("last_admin", username=username)
            if change in ("password", "enable"):
                run(con, "DELETE FROM login_failures WHERE subject = ?", [_name_key(username)])
            self.audit(con, user, "account", None, None, None, None, {"user": username, "change": change})

    def authenticate(self, username, password, client: str | None = None) -> User:
        """The active account for these credentials, else PermissionDenied: "login_failed" -- the
        same answer, in the same time, whether the name or the password was wrong -- or
        "login_locked" with the seconds to wait.

        Throttled per name and per ``client`` (the browser's address, when known): after
        ``accounts.FREE_FAILURES`` failures in a row each further try must wait
        ``accounts.login_delay`` seconds, refused at once without looking at the password (no
        server thread sleeps).  The try is counted as a failure *before* the password is checked,
        in the same write transaction as the wait is checked, so parallel tries cannot slip past
        the count; a success takes it back."""
        name = (username or "").strip().lower()
        keys = [_name_key(name)] + ([_client_key(client)] if client else [])
        when = accounts.clock()
        with self.transaction() as con:
            stored = self._failures(con, keys, when)
            wait = max(_remaining(locked, when) for _, locked, _ in stored.values())
            if wait:
                raise PermissionDenied("login_locked", seconds=wait)
            run(con, f"""DELETE FROM login_failures WHERE last_failed_at < ?
                         AND subject NOT IN ({", ".join("?" * len(keys))})""", [when - accounts.FORGET_AFTER, *keys])
            delay = 0
            for key, (failures, _, exists) in stored.items():
                key_delay = accounts.login_delay(failures + 1)
                delay = max(delay, key_delay)
                values = [failures + 1, when, when + dt.timedelta(seconds=key_delay) if key_delay else None, key]
                run(con, _COUNT_AGAIN if exists else _COUNT_FIRST, values)
        with self.connect() as con:
            row = one(con, """SELECT password_hash, role, province, satker FROM users
                              WHERE username = ? AND active""", [name])
        if not accounts.verify_password(row[0] if row else None, password or "") or row is None:
            raise PermissionDenied("login_locked", seconds=delay) if delay else PermissionDenied("login_failed")
        with self.transaction() as con:  # the try was not a failure after all
            run(con, "DELETE FROM login_failures WHERE subject = ?", [keys[0]])
            if client:
                run(con, "UPDATE login_failures SET failures = failures - 1, locked_until = NULL WHERE subject = ?",
                    [keys[1]])
        return User(name, row[1], row[2], row[3])

    def _failures(self, con, keys, when) -> dict:
        """{key: (failures in a row, locked until, row exists)} for each key; failures are
        forgotten after ``accounts.FORGET_AFTER`` without another."""
        rows = {r[0]: r[1:] for r in con.execute(
            f"""SELECT subject, failures, last_failed_at, locked_until FROM login_failures
                WHERE subject IN ({", ".join("?" * len(keys))})""", keys).fetchall()}
        out = {}
        for key in keys:
            failures, last, locked = rows.get(key, (0, None, None))
            fresh = last is not None and when - last <= accounts.FORGET_AFTER
            out[key] = (failures, locked, True) if fresh else (0, None, key in rows)
        return out

    def user(self, username) -> User | None:
        """The account as it is now (None when unknown or disabled): a session re-reads it on every
        run, so disabling an account takes effect at once."""
        with self.connect() as con:
            row = one(con, "SELECT role, province, satker FROM users WHERE username = ? AND active", [username])
        return User(username, *row) if row else None


def _check_password(password, username):
    code = accounts.password_problem(password, username)
    if code:
        raise ValidationError(code, min=accounts.MIN_PASSWORD)


def _name_key(name) -> str:
    return "user:" + str(name)[:100]


def _client_key(client) -> str:
    return "client:" + str(client)[:100]


def _remaining(locked, when) -> int:
    """Whole seconds until ``locked`` (0 when not locked or past)."""
    return max(0, math.ceil((locked - when).total_seconds())) if locked is not None else 0


def _scope(role, satker, province):
    """(satker, province) an account is bound to, checked against the official office list."""
    if role == "office":
        found = regions.office(satker) if satker else None
        if not satker:
            raise ValidationError("role_needs_satker")
        if found is None:
            raise ValidationError("unknown_office", name=satker)
        return found.name, found.province
    if role == "province":
        if not province:
            raise ValidationError("role_needs_province")
        match = regions.province(province)
        if match is None:
            raise ValidationError("unknown_province", name=province)
        return None, match
    return None, None
