"""Accounts: argon2 hashes in the ``users`` table, managed by an admin (or the CLI, which runs with
the file's owner's rights), audited without any password."""

import re

from rbdash import accounts, regions
from rbdash.accounts import ROLES, User
from rbdash.errors import PermissionDenied, ValidationError
from rbdash.store.common import as_user, now, one, run

MIN_PASSWORD = 8
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")


class UsersMixin:
    def accounts_enabled(self) -> bool:
        """True once an active admin exists: from then on visitors who have not logged in are viewers."""
        with self.connect() as con:
            return bool(one(con, "SELECT count(*) FROM users WHERE role = 'admin' AND active")[0])

    def add_user(self, username, password, role, actor, satker=None, province=None) -> User:
        user = as_user(actor)
        user.check_admin()
        username = (username or "").strip().lower()
        if not _USERNAME.fullmatch(username):
            raise ValidationError("bad_username")
        _check_password(password)
        if role not in ROLES:
            raise ValidationError("bad_role", role=role)
        satker, province = _scope(role, satker, province)
        with self.transaction() as con:
            if one(con, "SELECT 1 FROM users WHERE username = ?", [username]):
                raise ValidationError("user_exists", username=username)
            when = now()
            run(con, "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
                [self._ids(con, "users"), username, accounts.hash_password(password), role, province, satker,
                 when, when])
            self._audit(con, user, "account", satker, None, None, None,
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
        _check_password(password)
        self._change_user(username, actor, "password",
                          "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?",
                          accounts.hash_password(password))

    def _change_user(self, username, actor, change, sql, value):
        user = as_user(actor)
        user.check_admin()
        with self.transaction() as con:
            if not one(con, "SELECT 1 FROM users WHERE username = ?", [username]):
                raise ValidationError("unknown_user", username=username)
            run(con, sql, [value, now(), username])
            self._audit(con, user, "account", None, None, None, None, {"user": username, "change": change})

    def authenticate(self, username, password) -> User:
        """The active account for these credentials, else PermissionDenied("login_failed") -- the
        same answer, in the same time, whether the name or the password was wrong."""
        with self.connect() as con:
            row = one(con, """SELECT password_hash, role, province, satker FROM users
                              WHERE username = ? AND active""", [(username or "").strip().lower()])
        if not accounts.verify_password(row[0] if row else None, password or "") or row is None:
            raise PermissionDenied("login_failed")
        return User((username or "").strip().lower(), row[1], row[2], row[3])

    def user(self, username) -> User | None:
        """The account as it is now (None when unknown or disabled): a session re-reads it on every
        run, so disabling an account takes effect at once."""
        with self.connect() as con:
            row = one(con, "SELECT role, province, satker FROM users WHERE username = ? AND active", [username])
        return User(username, *row) if row else None


def _check_password(password):
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationError("weak_password", min=MIN_PASSWORD)


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
        match = {p.casefold(): p for p in regions.regions()}.get(province.strip().casefold())
        if match is None:
            raise ValidationError("unknown_province", name=province)
        return None, match
    return None, None
