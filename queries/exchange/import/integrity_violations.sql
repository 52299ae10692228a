-- Opens integrity_rules.sql for the check of a merge into a database that has
-- data (dashboard/exchange/importer.py; dashboard/store/db.py: STAGED_CHECK): only the rows
-- whose key the import staged (registered as staged_<table>). A merge deletes
-- no row that another row references, so only rows it wrote can break a rule;
-- checking those keeps a small merge into a large database small. Likewise a
-- merge adds rows only under staged keys, so only a staged key can be repeated
-- (the keys of the four large tables are not PRIMARY KEYs:
-- schema/003_unindexed_keys.sql). Each table's rows are found once
-- (MATERIALIZED), then read by every rule on that table.
-- (Into an empty database or with --replace every row is staged, and the
-- import runs the check of every row instead.)
WITH checked_trainees AS MATERIALIZED (
    SELECT t.* FROM trainees t SEMI JOIN staged_trainees s ON s.trainee_id = t.trainee_id
),
checked_people AS MATERIALIZED (
    SELECT p.* FROM people p SEMI JOIN staged_people s ON s.person_id = p.person_id
),
checked_relationships AS MATERIALIZED (
    SELECT r.* FROM relationships r
    SEMI JOIN staged_relationships s ON s.trainee_id = r.trainee_id AND s.person_id = r.person_id AND s.wave = r.wave
),
checked_relationship_functions AS MATERIALIZED (
    SELECT rf.* FROM relationship_functions rf
    SEMI JOIN staged_relationship_functions s
        ON s.trainee_id = rf.trainee_id AND s.person_id = rf.person_id AND s.wave = rf.wave
       AND s.function = rf.function
),
checked_consultations AS MATERIALIZED (
    SELECT c.* FROM consultations c
    SEMI JOIN staged_consultations s
        ON s.trainee_id = c.trainee_id AND s.person_a = c.person_a AND s.person_b = c.person_b AND s.wave = c.wave
),
checked_norm_consultations AS MATERIALIZED (
    SELECT n.* FROM norm_consultations n
    SEMI JOIN staged_norm_consultations s ON s.programme = n.programme AND s.role_a = n.role_a AND s.role_b = n.role_b
),
checked_needs AS MATERIALIZED (
    SELECT n.* FROM needs n
    SEMI JOIN staged_needs s ON s.trainee_id = n.trainee_id AND s.wave = n.wave AND s.function = n.function
),
checked_valuations AS MATERIALIZED (
    SELECT v.* FROM valuations v SEMI JOIN staged_valuations s ON s.trainee_id = v.trainee_id AND s.wave = v.wave
),
checked_actions AS MATERIALIZED (
    SELECT a.* FROM actions a
    SEMI JOIN staged_actions s ON s.trainee_id = a.trainee_id AND s.wave = a.wave AND s.action_id = a.action_id
),
-- The relationships the rules look up (for function rows and overleg pairs): only those of the
-- checked rows' trainees can match. One narrow scan instead of three of every relationship (half
-- the CPU of a capture's check at 552,000 relationships).
looked_up_relationships AS MATERIALIZED (
    SELECT r.trainee_id, r.person_id, r.wave FROM relationships r
    WHERE r.trainee_id IN (SELECT trainee_id FROM checked_relationship_functions
                           UNION ALL SELECT trainee_id FROM checked_consultations)
)
