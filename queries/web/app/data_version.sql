-- The data version for the dashboard's cache keys (a counter every write that
-- changes the data bumps: queries/store/schema/006_derived.sql), whether the
-- derived tables are current, and the number of trainees. One row, no table
-- scanned: read once per script run.
SELECT d.version, d.derived_version = d.version AS derived_fresh,
       (SELECT count(*) FROM trainees) AS trainees
FROM data_state d
