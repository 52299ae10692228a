-- AVG erasure of one id (trainee and/or person), in the caller's transaction.
-- Children first; integrity_violations.sql checks the result before commit.
-- A user account is not touched, even when its e-mail address is the
-- person's (issue 16: an imported e-mail must not delete an account and its
-- history); erasing a user is explicit (erase_user.sql, `person erase --user`).
DELETE FROM relationship_functions WHERE trainee_id = $id OR person_id = $id;
DELETE FROM consultations WHERE trainee_id = $id OR person_a = $id OR person_b = $id;
DELETE FROM relationships WHERE trainee_id = $id OR person_id = $id;
DELETE FROM needs WHERE trainee_id = $id;
DELETE FROM valuations WHERE trainee_id = $id;
DELETE FROM actions WHERE trainee_id = $id;
-- An action naming the erased person stays the trainee's action, without the person.
UPDATE actions SET person_id = NULL WHERE person_id = $id;
DELETE FROM wave_revisions WHERE trainee_id = $id;
DELETE FROM trainees WHERE trainee_id = $id;
DELETE FROM people WHERE person_id = $id;
-- One of the two places that change audit rows (documented in the schema and
-- in docs/privacy.md): the erased id is blanked in earlier rows; what was
-- done, when and by whom stays. The chain is re-sealed afterwards.
UPDATE audit_log SET subject_id = NULL WHERE subject_id = $id;
