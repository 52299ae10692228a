-- AVG erasure of one id (trainee and/or person) and its email addresses, in
-- the caller's transaction. Children first; integrity_violations.sql checks
-- the result before commit.
DELETE FROM relationship_functions WHERE trainee_id = $id OR person_id = $id;
DELETE FROM consultations WHERE trainee_id = $id OR person_a = $id OR person_b = $id;
DELETE FROM relationships WHERE trainee_id = $id OR person_id = $id;
DELETE FROM needs WHERE trainee_id = $id;
DELETE FROM valuations WHERE trainee_id = $id;
DELETE FROM actions WHERE trainee_id = $id;
-- An action naming the erased person stays the trainee's action, without the person.
UPDATE actions SET person_id = NULL WHERE person_id = $id;
DELETE FROM wave_revisions WHERE trainee_id = $id;
UPDATE wave_revisions SET saved_by = 'gewist' WHERE list_contains($emails, saved_by);
DELETE FROM trainees WHERE trainee_id = $id;
DELETE FROM people WHERE person_id = $id;
DELETE FROM user_scopes WHERE list_contains($emails, email);
DELETE FROM users WHERE list_contains($emails, email);
-- The one place that changes audit rows (documented in the schema and in
-- docs/privacy.md): the erased id and email addresses are blanked in earlier
-- rows; what was done, when and by whom else stays.
UPDATE audit_log SET subject_id = NULL WHERE subject_id = $id OR list_contains($emails, subject_id);
UPDATE audit_log SET actor = 'gewist' WHERE list_contains($emails, actor);
