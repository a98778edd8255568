"""Issue 23.2: a province (or an admin) verifies or rejects each reported month; the store enforces who
may check whom, audits and undoes every change, and a resubmission puts rejected and changed months
back to awaiting -- on both backends."""

import json

import pytest

from app_fixtures import make_plan
from conftest import db_snapshot
from rbdash.accounts import User
from rbdash.errors import ConflictError, PermissionDenied, ValidationError

BANJAR = "KPU Kabupaten Banjar"          # Kalimantan Selatan
SLEMAN = "KPU Kabupaten Sleman"          # DI Yogyakarta
KALSEL = User("kalsel", "province", province="Kalimantan Selatan")
DIY = User("diy", "province", province="DI Yogyakarta")
OFFICE = User("banjar", "office", "Kalimantan Selatan", BANJAR)


@pytest.fixture
def reported(store):
    """Banjar reported Jan and Feb of its one activity (planned Jan-Mar) realised, revision 1, and sent
    its monthly reports for Jan-Mar (issue 23.1: a month counts in the rates once reported)."""
    store.import_plan(make_plan(BANJAR, 2024, [(1, "K", "I", [1, 2, 3], [])]))
    aid = int(store.query_df("SELECT id FROM activities")["id"][0])
    store.save_progress(aid, [1, 2], "https://bukti.test/1", None, expected_revision=0, actor=OFFICE)
    for month in (1, 2, 3):
        store.submit_report(BANJAR, 2024, month, OFFICE)
    return store, aid


def states(store, aid):
    df = store.query_df("SELECT month, state, reason, revision, checked_by FROM verifications WHERE activity_id = ? "
                        "ORDER BY month", [aid])
    return {int(r.month): (r.state, r.reason if isinstance(r.reason, str) else None, int(r.revision), r.checked_by)
            for r in df.itertuples()}


def test_a_province_verifies_and_rejects_its_offices_months_audited(reported):
    store, aid = reported
    assert store.verify([(aid, 1, 1)], KALSEL) == 1
    assert store.reject([(aid, 2, 1)], "  tautan bukti tidak dapat dibuka ", KALSEL) == 1
    assert states(store, aid) == {1: ("terverifikasi", None, 1, "kalsel"),
                                  2: ("ditolak", "tautan bukti tidak dapat dibuka", 1, "kalsel")}
    log = store.query_df("SELECT actor, action, satker, detail FROM audit_log WHERE action = 'verification' "
                         "ORDER BY id")
    assert log[["actor", "satker"]].values.tolist() == [["kalsel", BANJAR]] * 2
    second = json.loads(log["detail"][1])
    assert second["before"] == {"2": None}
    assert second["after"] == {"2": {"state": "ditolak", "reason": "tautan bukti tidak dapat dibuka", "revision": 1}}
    assert store.verify([(aid, 1, 1)], KALSEL) == 0  # already verified: nothing changes, nothing audited
    assert len(store.query_df("SELECT id FROM audit_log WHERE action = 'verification'")) == 2
    assert store.verify([(aid, 2, 1)], User("root", "admin")) == 1  # an admin checks any office


def test_who_may_not_verify_is_refused_by_the_store_and_nothing_changes(reported):
    store, aid = reported
    before = db_snapshot(store)
    for user, code, message in [
        (DIY, "forbidden_verify_office", "diy may verify only offices of DI Yogyakarta, not KPU Kabupaten Banjar"),
        (OFFICE, "forbidden_verify", "banjar may not verify reported progress (province operators and admins only)"),
        (User("tamu", "viewer"), "forbidden_verify",
         "tamu may not verify reported progress (province operators and admins only)"),
    ]:
        with pytest.raises(PermissionDenied) as exc:
            store.verify([(aid, 1, 1)], user)
        assert exc.value.code == code
        assert str(exc.value).replace(user.label, user.username) == message
    assert db_snapshot(store) == before


def test_a_check_of_what_was_not_reported_or_a_stale_revision_is_refused(reported):
    store, aid = reported
    before = db_snapshot(store)
    for month, revision, reason, code, message in [
        (3, 1, None, "month_not_reported", "activity {aid} has no realisation reported for month 3; nothing to verify"),
        (2, 0, None, "verify_stale",
         "activity {aid} was resubmitted by the office since you opened it; reload and check it again"),
        (2, 1, "  ", "reason_needed", "a rejection needs a reason the office can act on"),
    ]:
        with pytest.raises((ValidationError, ConflictError)) as exc:
            if reason is None:
                store.verify([(aid, 1, 1), (aid, month, revision)], KALSEL)
            else:
                store.reject([(aid, month, revision)], reason, KALSEL)
        assert exc.value.code == code
        assert str(exc.value) == message.format(aid=aid)
    assert db_snapshot(store) == before  # all or nothing: month 1 of the same call is not verified either


def test_resubmitting_puts_rejected_and_changed_months_back_to_awaiting(reported):
    store, aid = reported
    store.verify([(aid, 1, 1)], KALSEL)
    store.reject([(aid, 2, 1)], "bukti kosong", KALSEL)
    # the office corrects the evidence only: the rejected month awaits again, the verified one stays
    store.save_progress(aid, [1, 2], "https://bukti.test/2", None, expected_revision=1, actor=OFFICE)
    assert states(store, aid) == {1: ("terverifikasi", None, 1, "kalsel")}
    entry = json.loads(store.query_df("SELECT detail FROM audit_log WHERE action = 'progress' ORDER BY id DESC "
                                      "LIMIT 1")["detail"][0])
    assert entry["verification_reset"] == {"2": {"state": "ditolak", "reason": "bukti kosong"}}
    store.verify([(aid, 2, 2)], KALSEL)
    # unticking January (a changed month) resets it; February, unchanged and verified, stays
    store.save_progress(aid, [2, 3], "https://bukti.test/2", None, expected_revision=2, actor=OFFICE)
    assert states(store, aid) == {2: ("terverifikasi", None, 2, "kalsel")}


def test_a_verification_is_undone_as_a_new_audited_change(reported):
    store, aid = reported
    store.verify([(aid, 1, 1)], KALSEL)
    store.reject([(aid, 1, 1)], "salah bulan", KALSEL)
    last = int(store.query_df("SELECT max(id) AS id FROM audit_log")["id"][0])
    assert store.revert_change(last, KALSEL) == 1
    assert states(store, aid) == {1: ("terverifikasi", None, 1, "kalsel")}
    revert = store.query_df("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1")
    assert revert["action"][0] == "verification_revert"
    assert json.loads(revert["detail"][0])["reverts"] == last
    with pytest.raises(ConflictError) as exc:  # the month changed since: undo the later change first
        store.revert_change(last, KALSEL)
    assert exc.value.code == "revert_stale"
    with pytest.raises(PermissionDenied):
        store.revert_change(last + 1, DIY)
    imported = int(store.query_df("SELECT min(id) AS id FROM audit_log")["id"][0])
    with pytest.raises(ValidationError) as exc:  # an import is undone by making another version current
        store.revert_change(imported, KALSEL)
    assert str(exc.value) == f"there is no progress, monthly report or verification change {imported} to undo"


def test_an_undo_never_brings_back_a_check_of_a_report_the_office_replaced_since(reported):
    """Undoing an undo after the office resubmitted would put a check (here a rejection) back on a
    report nobody checked: refused, like a check of a stale revision; the same undo before the
    resubmission is fine."""
    store, aid = reported
    store.reject([(aid, 1, 1)], "bukti kosong", KALSEL)
    rejected = int(store.query_df("SELECT max(id) AS id FROM audit_log")["id"][0])
    store.revert_change(rejected, KALSEL)  # the rejection undone: January awaits a check again
    undo = rejected + 1
    store.save_progress(aid, [1, 2], "https://bukti.test/baru", None, expected_revision=1, actor=OFFICE)
    before = db_snapshot(store)
    with pytest.raises(ConflictError) as exc:
        store.revert_change(undo, KALSEL)
    assert exc.value.code == "revert_stale"
    assert states(store, aid) == {} and db_snapshot(store) == before


def test_riwayat_lists_a_verification_with_before_and_after_and_offers_its_undo(reported):
    from rbdash import history
    store, aid = reported
    store.reject([(aid, 2, 1)], "bukti kosong", KALSEL)
    row = history.changes(store, BANJAR, 2024).iloc[0]
    assert (row["action"], row["actor"], row["before"], row["after"], bool(row["undoable"])) == (
        "verification", "kalsel", "Feb: menunggu verifikasi", "Feb: ditolak (bukti kosong)", True)


def test_the_verified_rate_counts_verified_months_over_the_rates_own_denominator(reported):
    """Planned Jan-Mar, realised Jan-Feb, as of March: rate 2/3; verified Jan -> 1/3, Feb rejected
    counts nowhere; after the office resubmits Feb and it is verified -> 2/3."""
    from rbdash import metrics
    store, aid = reported
    store.verify([(aid, 1, 1)], KALSEL)
    store.reject([(aid, 2, 1)], "bukti kosong", KALSEL)
    row = metrics.completion(store, 3, year=2024, by=("satker",)).iloc[0]
    assert (row["planned"], row["realized"], row["verified"]) == (3, 2, 1)
    assert (row["rate"], row["verified_rate"]) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    store.save_progress(aid, [1, 2], "https://bukti.test/2", None, expected_revision=1, actor=OFFICE)
    store.verify([(aid, 2, 2)], KALSEL)
    by_month = metrics.completion(store, 3, year=2024, by=("month",))
    assert by_month["verified"].tolist() == [1, 1, 0]
    assert metrics.completion(store, 3, year=2024, by=()).iloc[0]["verified_rate"] == pytest.approx(2 / 3)


def test_views_show_the_verified_rate_beside_the_reported_one(reported):
    """Summary, ranking and the comparison heatmap switched to 'terverifikasi' (its Total = the
    ranking's verified rate); the reported rate is unchanged."""
    from rbdash import views
    store, aid = reported
    store.verify([(aid, 1, 1)], KALSEL)
    view = views.View(year=2024, satkers=None, areas=None, as_of=3)
    summary = views.summary(store, view)
    assert (summary.rate, summary.verified, summary.verified_rate) == (pytest.approx(2 / 3), 1, pytest.approx(1 / 3))
    rank = views.ranking(store, view).rows.iloc[0]
    assert (rank["text"], rank["verified_text"]) == ("66,7%", "33,3%")
    hm = views.comparison_heatmap(store, view, "satker", "area", basis="terverifikasi")
    assert (hm.title, hm.legend) == ("Capaian per area s.d. Mar 2024 (terverifikasi)", "Terverifikasi")
    assert hm.text[0, -1] == "33,3%" and hm.text[0, 0] == "33,3%"
    assert views.comparison_heatmap(store, view, "satker", "area").text[0, -1] == "66,7%"


def test_the_queue_lists_unchecked_reported_months_of_the_province_and_rejections_for_the_office(reported):
    from rbdash.views import verification
    store, aid = reported
    store.import_plan(make_plan(SLEMAN, 2024, [(1, "K", "I", [1], [1])], has_realization=True))
    store.verify([(aid, 1, 1)], KALSEL)
    queue = verification.queue(store, 2024, "Kalimantan Selatan")
    assert queue[["activity_id", "month", "revision", "satker"]].values.tolist() == [[aid, 2, 1, BANJAR]]
    with store.transaction() as con:  # Banjar's report is a day newer than Sleman's
        con.execute("UPDATE progress SET updated_at = updated_at + INTERVAL '1 day' WHERE activity_id = ?", [aid])
    assert verification.queue(store, 2024)["satker"].tolist() == [SLEMAN, BANJAR]  # oldest report first
    assert verification.queue(store, 2024, months=[1])["satker"].tolist() == [SLEMAN]
    store.reject(verification.items(queue, [0]), "bukti kosong", KALSEL)
    assert verification.queue(store, 2024, "Kalimantan Selatan").empty
    assert verification.rejections(store, BANJAR, 2024) == {aid: [(2, "bukti kosong")]}


def test_the_queue_leaves_out_realised_months_the_office_has_not_reported(store):
    """Issue 23.2 checks reported months (23.1): a month ticked on Progres without its monthly report
    is not in the queue -- it counts in neither rate yet --, and is once the report is sent."""
    from rbdash.views import verification
    office = "KPU Kota Banjarbaru"
    store.import_plan(make_plan(office, 2024, [(1, "K", "I", [5, 6], [])]))
    aid = int(store.query_df("SELECT id FROM activities")["id"][0])
    store.save_progress(aid, [5, 6], "https://bukti.test/5", None, expected_revision=0, actor="cli")
    assert verification.queue(store, 2024, "Kalimantan Selatan").empty
    store.submit_report(office, 2024, 5, "cli")
    assert verification.queue(store, 2024, "Kalimantan Selatan")[["satker", "month"]].values.tolist() == [[office, 5]]
