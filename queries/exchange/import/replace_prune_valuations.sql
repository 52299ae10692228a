-- Replace: delete every valuation that the new data set does not contain; the upsert then writes the rest.
DELETE FROM valuations t
WHERE NOT EXISTS (SELECT 1 FROM staged_valuations s WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave);
