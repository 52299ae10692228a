-- Continues copied_rows.sql while the derived layer is current (the scenario
-- "a mentor leaves", dashboard/analysis/scenarios.py): the copied trainees'
-- stored rows of derived_coverage and derived_signals, all waves, as two more
-- columns of the same read, so that the situation before the change is read
-- as stored instead of evaluated again on the copy.
UNION ALL BY NAME
SELECT d AS derived_coverage FROM derived_coverage d
WHERE d.trainee_id IN (SELECT trainee_id FROM copied)
UNION ALL BY NAME
SELECT d AS derived_signals FROM derived_signals d
WHERE d.trainee_id IN (SELECT trainee_id FROM copied)
