-- A fingerprint of the loaded data for the dashboard's cache keys: it changes
-- with every completed import (each adds a row to `imports`) and with any
-- change in the number of rows, and with every capture saved on the capture page
-- (wave_revisions: the sum of revisions grows by one per save), so cached
-- results never outlive the data.
-- One row from a cross join of one-row aggregates: as scalar subqueries in
-- the SELECT list the same counts take several times longer.
SELECT i.imports, i.last_import_id, i.last_import_at,
       t.n AS trainees, p.n AS people, r.n AS relationships, c.n AS consultations, n.n AS needs,
       w.saves
FROM (SELECT count(*) AS imports,
             coalesce(max(import_id), 0) AS last_import_id,
             coalesce(CAST(max(finished_at) AS VARCHAR), '') AS last_import_at
      FROM imports) i
CROSS JOIN (SELECT count(*) AS n FROM trainees) t
CROSS JOIN (SELECT count(*) AS n FROM people) p
CROSS JOIN (SELECT count(*) AS n FROM relationships) r
CROSS JOIN (SELECT count(*) AS n FROM consultations) c
CROSS JOIN (SELECT count(*) AS n FROM needs) n
CROSS JOIN (SELECT coalesce(sum(revision), 0) AS saves FROM wave_revisions) w;
