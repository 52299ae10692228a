-- Opens integrity_rules.sql for a check of every row: what every write
-- transaction checks (dashboard/store/db.py: FULL_CHECK), except a merge into a
-- database that has data (import/integrity_violations.sql).
-- NOT MATERIALIZED: each rule reads the table itself, as if written there.
WITH checked_trainees AS NOT MATERIALIZED (SELECT * FROM trainees),
checked_people AS NOT MATERIALIZED (SELECT * FROM people),
checked_relationships AS NOT MATERIALIZED (SELECT * FROM relationships),
checked_relationship_functions AS NOT MATERIALIZED (SELECT * FROM relationship_functions),
checked_consultations AS NOT MATERIALIZED (SELECT * FROM consultations),
checked_norm_consultations AS NOT MATERIALIZED (SELECT * FROM norm_consultations),
checked_needs AS NOT MATERIALIZED (SELECT * FROM needs),
checked_valuations AS NOT MATERIALIZED (SELECT * FROM valuations),
checked_actions AS NOT MATERIALIZED (SELECT * FROM actions),
looked_up_relationships AS NOT MATERIALIZED (SELECT * FROM relationships)
