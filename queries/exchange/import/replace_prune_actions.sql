-- Replace: delete every action that the new data set does not contain; the upsert then writes the rest.
DELETE FROM actions t
WHERE NOT EXISTS (SELECT 1 FROM staged_actions s
                  WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.action_id = t.action_id);
