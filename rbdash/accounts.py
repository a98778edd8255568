"""Who may do what: accounts, roles and the checks the store applies to every write.

Roles:
- ``admin``    everything, and manages accounts;
- ``province`` imports and edits for the offices of its province (its KPU Provinsi included), reads all;
- ``office``   imports its own office's plans and edits its own realisation;
- ``viewer``   reads only.

Without any account (the zero-setup default) rbdash is open as before: everyone may import and edit,
and the audit trail records the name typed in the sidebar.  Once any account exists, visitors who
have not logged in are viewers, for good: accounts are never deleted, and the last active admin
cannot be disabled.  The checks live here and in the store, not in the pages, so a crafted request
cannot get round a hidden button.

Passwords are hashed with argon2id (argon2-cffi): never stored or logged in clear.  What a password
must be (``password_problem``), how logins slow down after failures (``login_delay``) and when an
idle login ends (``idle_timeout``) are decided here; ``clock`` is the one clock they read (tests
replace it).
"""

import datetime as dt
import os
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rbdash import regions
from rbdash.errors import PermissionDenied

ROLES = ("admin", "province", "office", "viewer")
ROLE_LABEL = {"admin": "admin", "province": "operator provinsi", "office": "operator satker", "viewer": "pemantau"}
_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the time of a failed login the same.  A
# hash made once here (of "rbdash-no-such-user"), not at every import: hashing costs ~0.3 s of CPU
# and every CLI command, worker and app process imports this module.  Should the hasher's parameters
# ever differ from the hash's (a new argon2-cffi default), one is made with them on first use.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$gfWPpX0SVVvVYyupt7SpmQ$dvoShQE2yuOXfDOI032KD689tTOD5BK+MKSfoGpzNdI"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("rbdash-no-such-user") if _HASHER.check_needs_rehash(_DUMMY_HASH) else _DUMMY_HASH


@dataclass(frozen=True)
class User:
    """The identity a write is made under (what the audit trail records as the actor)."""
    username: str
    role: str
    province: str | None = None
    satker: str | None = None
    open_mode: bool = False     # no accounts configured: a typed name with every right

    @classmethod
    def system(cls, name: str = "cli") -> "User":
        """The command line and the first start: whoever runs them can write the file anyway."""
        return cls(name, "admin")

    @classmethod
    def open(cls, name: str | None) -> "User":
        return cls((name or "").strip() or "anonim", "admin", open_mode=True)

    @classmethod
    def anonymous(cls) -> "User":
        return cls("tamu", "viewer")

    @property
    def needs_name(self) -> bool:
        """Open mode without a typed name: pages ask for one before a write (for the audit trail)."""
        return self.open_mode and self.username == "anonim"

    @property
    def label(self) -> str:
        if self.open_mode:
            return self.username
        where = self.satker or self.province
        return f"{self.username} ({ROLE_LABEL[self.role]}{' ' + where if where else ''})"

    def may_write(self, satker: str, province: str | None) -> bool:
        """May this user import plans for, or edit the realisation of, ``satker``?"""
        if self.role == "admin":
            return True
        if self.role == "province":
            return bool(self.province) and province == self.province
        if self.role == "office":  # the account's office, in any spelling of its name (regions.key)
            return bool(self.satker) and regions.same_name(satker, self.satker)
        return False

    @property
    def may_write_any(self) -> bool:
        return self.role != "viewer"

    def check_write(self, satker: str, province: str | None):
        if not self.may_write(satker, province):
            raise PermissionDenied("forbidden_office" if self.role != "viewer" else "forbidden_viewer",
                                   user=self.label, satker=satker)

    def may_verify(self, satker: str, province: str | None) -> bool:
        """May this user verify or reject the realisation ``satker`` reported?  An admin any office, a
        province account the offices of its province; an office never checks its own report, a viewer
        never writes."""
        if self.role == "admin":
            return True
        return self.role == "province" and bool(self.province) and province == self.province

    def check_verify(self, satker: str, province: str | None):
        if not self.may_verify(satker, province):
            if self.role == "province":
                raise PermissionDenied("forbidden_verify_office", user=self.label, satker=satker,
                                       province=self.province or "?")
            raise PermissionDenied("forbidden_verify", user=self.label)

    def check_admin(self):
        if self.role != "admin":
            raise PermissionDenied("forbidden_admin", user=self.label)


def clock() -> dt.datetime:
    """Now, for login throttling and idle timeouts (wall time: the state is shared by replicas)."""
    return dt.datetime.now()


# -- passwords -----------------------------------------------------------------------------------
MIN_PASSWORD = 10
COMMON_PASSWORDS_PATH = Path(__file__).with_name("data") / "common_passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of passwords and words too common to use (rbdash/data/common_passwords.txt)."""
    text = COMMON_PASSWORDS_PATH.read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problem(password: str | None, username: str = "") -> str | None:
    """None when ``password`` may be used, else the error code: "weak_password" (shorter than
    MIN_PASSWORD, or only spaces) or "common_password" (on the common list, a common word or the
    user name with digits or signs around it, only digits and signs, or fewer than 4 different
    characters) -- what a guesser tries first."""
    password = password or ""
    if len(password) < MIN_PASSWORD or not password.strip():
        return "weak_password"
    folded = password.casefold()
    core = folded.strip(string.digits + string.punctuation + string.whitespace)
    common = common_passwords()
    name = (username or "").strip().casefold()
    if (folded in common or core in common or not core or len(set(folded)) < 4
            or (name and core in (name, name[::-1]))):
        return "common_password"
    return None


# -- logins -------------------------------------------------------------------------------------
FREE_FAILURES = 5          # failed logins allowed before a wait
FIRST_DELAY_S = 5          # the wait after the 5th failure, doubled after each further one ...
MAX_DELAY_S = 15 * 60      # ... up to this
FORGET_AFTER = dt.timedelta(hours=1)  # failures older than this (since the last one) are forgotten


def login_delay(failures: int) -> int:
    """Seconds a name (or a client address) must wait after its ``failures``-th failed login in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_S * 2 ** min(failures - FREE_FAILURES, 30), MAX_DELAY_S)


IDLE_MINUTES = 30


def idle_timeout() -> dt.timedelta:
    """How long a login lasts without any action: ``RBDASH_IDLE_MINUTES`` (default 30; a value that
    is not a positive number means the default)."""
    try:
        minutes = float(os.environ.get("RBDASH_IDLE_MINUTES") or IDLE_MINUTES)
    except ValueError:
        minutes = IDLE_MINUTES
    return dt.timedelta(minutes=minutes if 0 < minutes < 60 * 24 * 365 else IDLE_MINUTES)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
