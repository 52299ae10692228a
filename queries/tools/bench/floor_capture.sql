-- The floor of a capture save: the same rows of one trainee's wave written by plain SQL, with no
-- validation, no integrity check, no revision and no audit row: delete the wave, insert the
-- staged rows (registered as staged_<table> by dashboard/tools/bench.py).
DELETE FROM relationship_functions WHERE trainee_id = $trainee_id AND wave = $wave;
DELETE FROM consultations WHERE trainee_id = $trainee_id AND wave = $wave;
DELETE FROM needs WHERE trainee_id = $trainee_id AND wave = $wave;
DELETE FROM valuations WHERE trainee_id = $trainee_id AND wave = $wave;
DELETE FROM actions WHERE trainee_id = $trainee_id AND wave = $wave;
DELETE FROM relationships WHERE trainee_id = $trainee_id AND wave = $wave;
INSERT INTO relationships SELECT * FROM staged_relationships;
INSERT INTO relationship_functions SELECT * FROM staged_relationship_functions;
INSERT INTO consultations SELECT * FROM staged_consultations;
INSERT INTO needs SELECT * FROM staged_needs;
INSERT INTO valuations SELECT * FROM staged_valuations;
INSERT INTO actions SELECT * FROM staged_actions WHERE trainee_id = $trainee_id AND wave = $wave;
