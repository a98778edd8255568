"""The embedded default: on first start, a database filled with the sample plans in data/samples/.

A newcomer sees a working dashboard with zero set-up.  The samples are written by ``rbdash.demo``
when the folder is empty and imported through the one import service (rbdash.importing).
"""

import os
import tempfile
from pathlib import Path

from rbdash import importing
from rbdash.duckfile import companions
from rbdash.store import Store

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"
SAMPLE_ACTOR = "sampel"


def ensure_database(db_path, samples_dir=None):
    """First start: when ``db_path`` does not exist, build it from the sample workbooks.

    The database is built under a temporary name and renamed into place, so a crash or a second
    process starting at the same moment never leaves a half-loaded file.  (An existing database is
    never touched, even an empty one: a server set up for real plans must not receive demo data.
    The CLI creates no file for an import that stores nothing.)  Returns the import outcomes, or
    None when the database existed.
    """
    from rbdash.store import is_server_url
    if is_server_url(db_path):
        return None  # a server is set up for real plans: never demo data
    db_path = Path(db_path)
    if db_path.exists():
        return None
    files = _sample_files(samples_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".building", dir=db_path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        store = Store(tmp)
        outcomes = list(importing.import_sources(store, files, SAMPLE_ACTOR))
        with store.connect() as con:
            con.execute("CHECKPOINT").fetchall()
        store.close()  # not open under its old name once renamed (a lingering file: rbdash.duckfile)
        if not db_path.exists():
            os.replace(tmp, db_path)
        return outcomes
    finally:
        for leftover in (Path(tmp), *companions(tmp)):
            leftover.unlink(missing_ok=True)


def _sample_files(samples_dir):
    samples_dir = Path(samples_dir) if samples_dir else SAMPLES_DIR
    files = importing.find_files([samples_dir]) if samples_dir.is_dir() else []
    if not files:
        from rbdash import demo
        demo.write_samples(samples_dir, truth=False)
        files = importing.find_files([samples_dir])
    return files
