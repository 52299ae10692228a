-- Retention purge, in the caller's transaction: the trainees of the given
-- cohorts with everything hanging from them, the people left with no
-- relationship because of it (people without any relationship before the
-- purge stay), and audit rows from before $audit_before (the audit trail's
-- own retention, never the cohorts' cut-off: dashboard/privacy/avg.py:
-- audit_cutoff). The chain is re-sealed afterwards. The two audit statements
-- are the documented exceptions to the audit trail's append-only rule: the
-- ids of removed trainees and people are blanked in the rows that remain.
UPDATE audit_log SET subject_id = NULL
WHERE subject_id IN (SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort))
   OR subject_id IN (
        SELECT r.person_id FROM relationships r JOIN trainees t ON t.trainee_id = r.trainee_id
        GROUP BY r.person_id
        HAVING bool_and(list_contains($cohorts, t.cohort)));
UPDATE actions SET person_id = NULL WHERE person_id IN (
    SELECT r.person_id FROM relationships r JOIN trainees t ON t.trainee_id = r.trainee_id
    GROUP BY r.person_id
    HAVING bool_and(list_contains($cohorts, t.cohort))
);
DELETE FROM people WHERE person_id IN (
    SELECT r.person_id FROM relationships r JOIN trainees t ON t.trainee_id = r.trainee_id
    GROUP BY r.person_id
    HAVING bool_and(list_contains($cohorts, t.cohort))
);
DELETE FROM relationship_functions WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM consultations WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM needs WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM valuations WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM actions WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM wave_revisions WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM relationships WHERE trainee_id IN (
    SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort));
DELETE FROM trainees WHERE list_contains($cohorts, cohort);
DELETE FROM audit_log WHERE occurred_at < $audit_before;
