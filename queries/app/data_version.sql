-- A fingerprint of the loaded data for the dashboard's cache keys: it changes
-- with every completed import (each adds a row to `imports`) and with any
-- change in the number of rows, so cached results never outlive the data.
SELECT
    (SELECT count(*) FROM imports) AS imports,
    (SELECT coalesce(max(import_id), 0) FROM imports) AS last_import_id,
    (SELECT coalesce(CAST(max(finished_at) AS VARCHAR), '') FROM imports) AS last_import_at,
    (SELECT count(*) FROM trainees) AS trainees,
    (SELECT count(*) FROM people) AS people,
    (SELECT count(*) FROM relationships) AS relationships,
    (SELECT count(*) FROM consultations) AS consultations,
    (SELECT count(*) FROM needs) AS needs;
