"""rbdash.latest (issue 22.2): a figure's readers share computations -- one at a time, each serving
everyone who asked before it began -- and never get a result older than the version they read."""

import threading
import time

import pytest

from rbdash.latest import Latest, Version, reading

DB = "data/rbdash.duckdb|2026-01-01 00:00:00:7"


def v(n, db=DB):
    return Version(db, n)


def until(condition, timeout=10.0):
    """Wait for a condition (polled), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.002)


def test_a_kept_result_serves_the_versions_it_covers_and_no_newer_one():
    latest, runs = Latest(), []

    def compute(tag):
        return lambda: runs.append(tag) or tag
    assert latest.get("k", v(5), compute("a")) == "a"
    assert latest.get("k", v(3), compute("b")) == "a"            # older versions: covered
    assert latest.get("k", v(5), compute("c")) == "a"
    assert latest.get("k", v(6), compute("d")) == "d"            # a newer write: computed again
    assert latest.get("k", v(6, db="elsewhere|x:7"), compute("e")) == "e"   # another database: never covered
    assert latest.get("other", v(1), compute("f")) == "f"
    assert runs == ["a", "d", "e", "f"]


def test_readers_arriving_during_a_computation_share_the_next_one():
    """Five readers of newer versions arrive while a computation runs: they wait, and one more
    computation, begun after all of them asked, serves them all."""
    latest, runs, got = Latest(), [], {}
    started, go = threading.Event(), threading.Event()

    def compute(tag):
        def run():
            runs.append(tag)
            if tag == 1:
                started.set()
                assert go.wait(10)
            return tag
        return run

    def read(n):
        got[n] = latest.get("k", v(n), compute(n))
    first = threading.Thread(target=read, args=(1,))
    first.start()
    assert started.wait(10)
    readers = [threading.Thread(target=read, args=(n,)) for n in range(2, 7)]
    for t in readers:
        t.start()
    until(lambda: latest.waiting("k") == 5)
    go.set()
    for t in [first, *readers]:
        t.join(10)
    assert len(runs) == 2 and runs[0] == 1
    assert got[1] == 1 and {got[n] for n in range(2, 7)} == {runs[1]}
    assert latest.get("k", v(6), compute("again")) == runs[1]   # the shared result covers the newest of them
    assert len(runs) == 2


def test_a_failed_computation_is_kept_by_nobody_and_tried_again():
    latest = Latest()

    def fail():
        raise RuntimeError("database down")
    with pytest.raises(RuntimeError):
        latest.get("k", v(1), fail)
    assert latest.get("k", v(1), lambda: "back") == "back"


def test_results_are_copies_unless_shared():
    copies, shared = Latest(), Latest(copy=False)
    rows = copies.get("k", v(1), lambda: [1, 2])
    rows.append(3)
    assert copies.get("k", v(1), lambda: None) == [1, 2]
    obj = shared.get("k", v(1), lambda: [1, 2])
    assert shared.get("k", v(1), lambda: None) is obj


def test_at_most_max_entries_are_kept():
    latest, runs = Latest(max_entries=2), []
    for key in ("a", "b", "c"):
        latest.get(key, v(1), lambda key=key: runs.append(key) or key)
    latest.get("c", v(1), lambda: runs.append("c again"))
    latest.get("a", v(1), lambda: runs.append("a again") or "a")
    assert runs == ["a", "b", "c", "a again"]


def test_a_computation_begun_after_a_readers_run_began_serves_it():
    """A reader whose run began before a computation did (its versions read earlier) takes that
    computation's result, running or kept, even when it asked for a newer version than the
    computation was started for; a reader whose run began after it waits for a new one."""
    latest, runs, got = Latest(), [], {}
    started, go = threading.Event(), threading.Event()

    def slow():
        runs.append("first")
        started.set()
        assert go.wait(10)
        return "first"
    before = time.monotonic()            # the second reader's run began: versions read, then a save
    first = threading.Thread(target=lambda: got.update(a=latest.get("k", v(1), slow, asked=time.monotonic())))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.update(
        b=latest.get("k", v(2), lambda: runs.append("second") or "second", asked=before)))
    second.start()
    until(lambda: latest.waiting("k") == 1)
    go.set()
    first.join(10), second.join(10)
    assert got == {"a": "first", "b": "first"} and runs == ["first"]
    assert latest.get("k", v(2), lambda: "unused", asked=before) == "first"          # kept: began after
    assert latest.get("k", v(2), lambda: "third", asked=time.monotonic()) == "third"  # began before: anew


def test_a_result_of_data_read_before_it_began_serves_only_who_that_data_serves():
    """A computation may use data read before it began (rbdash.tally's rows, read by a figure before
    it in the same visit) when that data was read after its reader's version (``since``): its result
    covers that version and serves runs begun before the data was read -- not a run begun after it
    with a newer version, and not a version read after the data was."""
    latest = Latest()
    asked = time.monotonic()
    read = time.monotonic()           # another figure of the visit read the rows here
    later = time.monotonic()

    def compute():
        reading().used(read)
        return "held"
    assert latest.get("k", v(5), compute, asked=asked, since=asked) == "held"
    assert reading() is None                                                    # the computation's own
    assert latest.get("k", v(5), lambda: "again") == "held"                     # its version: covered
    assert latest.get("k", v(6), lambda: "again", asked=asked) == "held"        # a run begun before the read
    assert latest.get("k", v(6), lambda: "new", asked=later, since=later) == "new"

    older = Latest()                   # data read before the reader's version was: covers no version
    assert older.get("k", v(5), compute, asked=asked, since=later) == "held"
    assert older.get("k", v(5), lambda: "anew") == "anew"


def test_a_loader_inside_another_tells_it_how_old_its_result_is():
    """A figure built on another's kept result (a heatmap's Total column from the ranking) is no
    newer than that result: it does not serve a run begun after the ranking's data was read."""
    ranking, heatmap = Latest(), Latest()
    first = time.monotonic()
    assert ranking.get("r", v(5), lambda: "rank5") == "rank5"
    after_rank = time.monotonic()
    assert heatmap.get("h", v(5), lambda: ranking.get("r", v(5), lambda: "rank?") + "+cells",
                       asked=first, since=first) == "rank5+cells"
    # a run begun after the ranking's data was read, at a newer version: the heatmap is computed anew
    assert heatmap.get("h", v(6), lambda: "anew", asked=after_rank) == "anew"
