-- A fingerprint of the loaded data for the dashboard's cache keys: it changes
-- with every completed import (each adds a row to `imports`) and with any
-- change in the number of rows, and with every capture saved on the capture page
-- (wave_revisions: the sum of revisions grows by one per save), so cached
-- results never outlive the data.
-- One row from a cross join of one-row aggregates: as scalar subqueries in
-- the SELECT list the same counts take several times longer. The norms
-- change without an import when a proposal is adopted (issue 14): their
-- rows are part of the fingerprint too (small tables).
SELECT i.imports, i.last_import_id, i.last_import_at,
       t.n AS trainees, nr.h AS norm_roles, nc.h AS norm_consultations, p.n AS people, r.n AS relationships,
       c.n AS consultations, n.n AS needs, w.saves
FROM (SELECT count(*) AS imports,
             coalesce(max(import_id), 0) AS last_import_id,
             coalesce(CAST(max(finished_at) AS VARCHAR), '') AS last_import_at
      FROM imports) i
CROSS JOIN (SELECT count(*) AS n FROM trainees) t
CROSS JOIN (SELECT count(*) AS n FROM people) p
CROSS JOIN (SELECT count(*) AS n FROM relationships) r
CROSS JOIN (SELECT count(*) AS n FROM consultations) c
CROSS JOIN (SELECT count(*) AS n FROM needs) n
CROSS JOIN (SELECT count(*) || '/' || coalesce(bit_xor(hash(programme, role, expected_strength)), 0) AS h
            FROM norm_roles) nr
CROSS JOIN (SELECT count(*) || '/' || coalesce(bit_xor(hash(programme, role_a, role_b)), 0) AS h
            FROM norm_consultations) nc
CROSS JOIN (SELECT coalesce(sum(revision), 0) AS saves FROM wave_revisions) w;
