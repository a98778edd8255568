"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder (as the
``postgres`` user when running as root -- initdb refuses root), started on a free loopback port with
its socket in that folder, trust authentication, durability off (it is thrown away), stopped and
deleted at the end.  Nothing here touches a system cluster."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))


def available() -> str | None:
    """None when a cluster can be started here, else why not (one line)."""
    if not INITDB:
        return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); ./dev test installs it"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: initdb cannot run as an unprivileged user"
    return None


def reset(url: str) -> str:
    """Empty the public schema of an existing server database (the benchmarks' --pg URL); returns it."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, durable=False):
        """``durable``: keep fsync and synchronous commit on (benchmarks); tests turn them off."""
        self.bin = Path(INITDB[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="rbdash-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = _free_port()
        self._as = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._lock, self._n = threading.Lock(), 0
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self._opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=300"
        if not durable:
            self._opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.resume()
        self.admin("CREATE DATABASE rbdash_test")

    def pause(self):
        """Stop the server and keep its data: a database server that went down (``resume`` brings it back)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", self._opts, "-l", str(self.log), "-w",
                  "-t", "60", "start")

    def _run(self, *cmd):
        p = subprocess.run([*self._as, *cmd], capture_output=True, text=True)
        if p.returncode:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{Path(cmd[0]).name} failed ({p.returncode}): {p.stderr.strip()[-1000:]} {log}")

    def url(self, db="postgres", schema=None) -> str:
        tail = f"?options={quote('-c search_path=' + schema)}" if schema else ""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}{tail}"

    def admin(self, *statements, db="postgres"):
        import psycopg
        with psycopg.connect(self.url(db), autocommit=True) as con:
            for sql in statements:
                con.execute(sql)

    def _name(self, prefix):
        with self._lock:
            self._n += 1
            return f"{prefix}{os.getpid()}_{self._n}"

    def fresh(self) -> str:
        """An empty database location: a new schema of the shared test database (a few ms)."""
        schema = self._name("s")
        self.admin(f"CREATE SCHEMA {schema}", db="rbdash_test")
        return self.url("rbdash_test", schema)

    def fresh_database(self) -> str:
        """An empty database of its own (~0.2 s), e.g. to be cloned."""
        db = self._name("d")
        self.admin(f"CREATE DATABASE {db}")
        return self.url(db)

    def clone(self, url) -> str:
        """A copy of a whole database (its stores must be closed: a template has no connections)."""
        source = url.split("/")[-1].split("?")[0]
        db = self._name("c")
        self.admin(f"CREATE DATABASE {db} TEMPLATE {source}")
        return url.replace(f"/{source}", f"/{db}", 1)

    def stop(self):
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
