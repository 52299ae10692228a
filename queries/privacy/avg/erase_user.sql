-- Explicit erasure of user accounts ($emails, lower-case), in the caller's
-- transaction: only with `person erase --user`. The account and its scope go;
-- in earlier audit rows the address is blanked as subject and replaced by
-- 'gewist' as actor (what was done and when stays). The chain is re-sealed afterwards.
DELETE FROM user_scopes WHERE list_contains($emails, email);
DELETE FROM users WHERE list_contains($emails, email);
UPDATE audit_log SET subject_id = NULL WHERE list_contains($emails, subject_id);
UPDATE audit_log SET actor = 'gewist' WHERE list_contains($emails, actor);
-- Who saved a capture (wave_revisions.saved_by) is the user's address too.
UPDATE wave_revisions SET saved_by = 'gewist' WHERE list_contains($emails, saved_by);
