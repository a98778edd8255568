"""The database schema as ordered migrations (DuckDB has no user_version: the ``migrations`` table
records what ran).  Append a migration, never edit one that has shipped."""

from rbdash.store import counts

# the views select pv.*: a migration that changes plan_versions' columns drops and recreates them
LATEST_VERSIONS = """CREATE VIEW latest_versions AS
    SELECT pv.* FROM plan_versions pv
    WHERE pv.version = (SELECT max(version) FROM plan_versions p2
                        WHERE p2.satker_id = pv.satker_id AND p2.year = pv.year)"""
# an office has data when its file carried realisation columns or anyone recorded progress
LATEST_PLANS = """CREATE VIEW latest_plans AS
    SELECT lv.*, (lv.has_realization OR EXISTS (
        SELECT 1 FROM activities a JOIN progress p ON p.activity_id = a.id
        WHERE a.plan_version_id = lv.id)) AS has_data
    FROM latest_versions lv"""
# the same definition as a join: the EXISTS inside OR ran once per version (35 ms at 550 offices
# on PostgreSQL, where the notes measured 6.9 s without the activities index)
LATEST_PLANS_JOINED = """CREATE VIEW latest_plans AS
    SELECT lv.*, (lv.has_realization OR d.plan_version_id IS NOT NULL) AS has_data
    FROM latest_versions lv LEFT JOIN (
        SELECT DISTINCT a.plan_version_id FROM activities a JOIN progress p ON p.activity_id = a.id) d
      ON d.plan_version_id = lv.id"""

# the same rows: a version no other of its office and year is newer than (PostgreSQL estimates an
# anti-join; the subquery's "= max" was guessed at 3 rows of 550 and joined as if)
LATEST_VERSIONS_ANTI = """CREATE VIEW latest_versions AS
    SELECT pv.* FROM plan_versions pv
    WHERE NOT EXISTS (SELECT 1 FROM plan_versions n
                      WHERE n.satker_id = pv.satker_id AND n.year = pv.year AND n.version > pv.version)"""
# "has data" read from the counts kept per version and area (rbdash.store.counts): the same definition
# without a pass over activities and progress
LATEST_PLANS_COUNTED = """CREATE VIEW latest_plans AS
    SELECT lv.*, (lv.has_realization OR COALESCE(c.recorded, 0) > 0) AS has_data
    FROM latest_versions lv LEFT JOIN version_counts c ON c.plan_version_id = lv.id"""
# Issue 23.1: the months each office has reported (rbdash.schedule: a month not reported is "belum
# dilaporkan", never late, and out of both sides of its rate).  One row per office, year and month:
# sent on Progres ("laporan bulan Sep dikirim", source 'report') or implied by importing a monitoring
# workbook with realisation up to that month (source 'import').  The backfill gives every stored
# monitoring import its months, as a new import would (store.reports.implied_months).
REPORTED_MASKS = """CREATE VIEW reported_masks AS
    SELECT satker_id, year, bit_or(1 << (month - 1)) AS mask FROM monthly_reports GROUP BY satker_id, year"""

MIGRATIONS = [
    (1, "initial schema", [
        """CREATE TABLE satker (
            id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, level VARCHAR, province VARCHAR)""",
        """CREATE TABLE plan_versions (
            id INTEGER PRIMARY KEY, satker_id INTEGER NOT NULL, year INTEGER NOT NULL,
            version INTEGER NOT NULL, source_name VARCHAR, sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, imported_by VARCHAR, as_of_month INTEGER,
            has_realization BOOLEAN NOT NULL DEFAULT FALSE, activity_count INTEGER,
            issues_json VARCHAR, UNIQUE (satker_id, year, version))""",
        """CREATE TABLE activities (
            id BIGINT NOT NULL, plan_version_id INTEGER NOT NULL, seq INTEGER NOT NULL,
            sheet VARCHAR, "row" INTEGER, area_no INTEGER, kegiatan VARCHAR, sub_kegiatan VARCHAR,
            indikator VARCHAR, keterangan VARCHAR, pic VARCHAR, catalogue_code VARCHAR,
            area_source VARCHAR, match_key VARCHAR, planned_mask INTEGER NOT NULL)""",
        """CREATE TABLE progress (
            activity_id BIGINT PRIMARY KEY, realized_mask INTEGER NOT NULL DEFAULT 0,
            evidence_url VARCHAR, note VARCHAR, capaian DOUBLE, source VARCHAR,
            revision INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR)""",
        """CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, actor VARCHAR, action VARCHAR NOT NULL,
            satker VARCHAR, year INTEGER, plan_version_id INTEGER, activity_id BIGINT, detail VARCHAR)""",
        LATEST_VERSIONS,
    ]),
    (2, "latest_plans view: the one definition of 'has realisation data'", [
        LATEST_PLANS,
    ]),
    (3, "accounts", [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, password_hash VARCHAR NOT NULL,
            role VARCHAR NOT NULL, province VARCHAR, satker VARCHAR, active BOOLEAN NOT NULL DEFAULT TRUE,
            created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)""",
    ]),
    (4, "one word for non-fatal import problems: warnings", [
        "DROP VIEW latest_plans", "DROP VIEW latest_versions",
        "ALTER TABLE plan_versions RENAME COLUMN issues_json TO warnings_json",
        LATEST_VERSIONS, LATEST_PLANS,
    ]),
    (5, "latest_plans as a join (same rows, one pass instead of a subquery per version)", [
        "DROP VIEW latest_plans", LATEST_PLANS_JOINED,
    ]),
    (6, "failed logins in a row per user name and per client address (login throttling)", [
        """CREATE TABLE login_failures (
            subject VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, last_failed_at TIMESTAMP NOT NULL,
            locked_until TIMESTAMP)""",
    ]),
    (7, "counts per plan version, area and month, kept by every write (national figures without a pass "
        "over every activity)", [
        *counts.CREATE,
        *counts.REBUILD_ALL,
        "DROP VIEW latest_plans", "DROP VIEW latest_versions", LATEST_VERSIONS_ANTI, LATEST_PLANS_COUNTED,
    ]),
    (9, "monthly reports: the months each office has reported (sent, or implied by a monitoring import)", [
        """CREATE TABLE monthly_reports (
            satker_id INTEGER NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL,
            reported_at TIMESTAMP NOT NULL, reported_by VARCHAR, source VARCHAR NOT NULL, plan_version_id INTEGER,
            PRIMARY KEY (satker_id, year, month))""",
        # a monitoring import's months: 1..its as-of month, else 1..the last month it records realisation in
        """INSERT INTO monthly_reports
           SELECT DISTINCT ON (pv.satker_id, pv.year, m.month)
                  pv.satker_id, pv.year, m.month, pv.imported_at, pv.imported_by, 'import', pv.id
           FROM plan_versions pv CROSS JOIN generate_series(1, 12) m(month)
           WHERE pv.has_realization AND m.month <= COALESCE(pv.as_of_month, (
               SELECT max(r.month) FROM activities a JOIN progress p ON p.activity_id = a.id
               CROSS JOIN generate_series(1, 12) r(month)
               WHERE a.plan_version_id = pv.id AND p.source = 'import' AND ((p.realized_mask >> (r.month - 1)) & 1) = 1))
           ORDER BY pv.satker_id, pv.year, m.month, pv.imported_at, pv.id""",
        REPORTED_MASKS,
    ]),
    (10, "province verification of reported months (rbdash.store.verification)", [
        """CREATE TABLE verifications (
            activity_id BIGINT NOT NULL, month INTEGER NOT NULL, state VARCHAR NOT NULL, reason VARCHAR,
            revision INTEGER NOT NULL, checked_by VARCHAR NOT NULL, checked_at TIMESTAMP NOT NULL,
            PRIMARY KEY (activity_id, month))""",
    ]),
    # made again rather than altered: migration 7 creates today's counts.CREATE, so a database it
    # runs on now gets this shape there already, one migrated before has the four columns more; the
    # rows are derived (nothing lost) and written afresh, without the dropped columns' pages
    (11, "month counts without the reported and cumulative columns read by nothing (cheaper saves)", [
        "DROP TABLE month_counts", counts.MONTH_COUNTS, counts.MONTHS_ALL,
    ]),
]
