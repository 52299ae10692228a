-- Schema version 6: the data version and the derived layer (issue 15,
-- docs/architecture.md "The derived layer").
--
-- data_state: one row. `version` counts the writes that change what the
-- analysis reads (every Database.transaction except the audit trail's and the
-- users'); the dashboard's caches are keyed by it, so no rerun counts tables.
-- `derived_version` is the version the derived tables were computed for: they
-- are read only while it equals `version` (dashboard/analysis/derived.py),
-- else every question computes from the stored rows as before.
--
-- derived_coverage and derived_signals: per trainee and wave with
-- relationships, under the stored norms and taxonomy, the rows of
-- queries/analysis/_coverage.sql (`coverage`) and _signal_rows.sql
-- (`trainee_signal_rows`), computed by those same files. A new database starts
-- with them empty and stale (derived_version 0): the first reader that may
-- write computes them.

CREATE TABLE data_state (
    version         BIGINT NOT NULL,
    derived_version BIGINT NOT NULL
);
INSERT INTO data_state VALUES (1, 0);

CREATE TABLE derived_coverage (
    trainee_id     VARCHAR NOT NULL,
    wave           VARCHAR NOT NULL,
    function       VARCHAR NOT NULL,
    position       BIGINT NOT NULL,
    level          VARCHAR NOT NULL,
    level_formal   VARCHAR NOT NULL,
    level_informal VARCHAR NOT NULL
);

CREATE TABLE derived_signals (
    trainee_id        VARCHAR NOT NULL,
    wave              VARCHAR NOT NULL,
    person_id         VARCHAR,
    function          VARCHAR,
    code              VARCHAR NOT NULL,
    severity          VARCHAR NOT NULL,
    person_name       VARCHAR,
    role              VARCHAR,
    strength          VARCHAR,
    expected_strength VARCHAR,
    other_role        VARCHAR,
    other_names       VARCHAR,
    earlier_strength  VARCHAR,
    earlier_wave      VARCHAR,
    n                 BIGINT,
    trainee_cohort    VARCHAR
);
