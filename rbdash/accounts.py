"""Who may do what: accounts, roles and the checks the store applies to every write.

Roles:
- ``admin``    everything, and manages accounts;
- ``province`` imports and edits for the offices of its province (its KPU Provinsi included), reads all;
- ``office``   imports its own office's plans and edits its own realisation;
- ``viewer``   reads only.

Without any account (the zero-setup default) rbdash is open as before: everyone may import and edit,
and the audit trail records the name typed in the sidebar.  Once an active admin exists, visitors
who have not logged in are viewers.  The checks live here and in the store, not in the pages, so a
crafted request cannot get round a hidden button.

Passwords are hashed with argon2id (argon2-cffi): never stored or logged in clear.
"""

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rbdash.errors import PermissionDenied

ROLES = ("admin", "province", "office", "viewer")
ROLE_LABEL = {"admin": "admin", "province": "operator provinsi", "office": "operator satker", "viewer": "pemantau"}
_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the time of a failed login the same.
_DUMMY_HASH = _HASHER.hash("rbdash-no-such-user")


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
        if self.role == "office":
            return bool(self.satker) and satker == self.satker
        return False

    @property
    def may_write_any(self) -> bool:
        return self.role != "viewer"

    def check_write(self, satker: str, province: str | None):
        if not self.may_write(satker, province):
            raise PermissionDenied("forbidden_office" if self.role != "viewer" else "forbidden_viewer",
                                   user=self.label, satker=satker)

    def check_admin(self):
        if self.role != "admin":
            raise PermissionDenied("forbidden_admin", user=self.label)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
