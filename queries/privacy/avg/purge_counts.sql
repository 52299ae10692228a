-- What a purge of these cohorts (and of audit rows before $audit_before, as purge.sql does) removes.
WITH gone AS (SELECT trainee_id FROM trainees WHERE list_contains($cohorts, cohort)),
orphaned AS (
    -- People whose every relationship is with a purged trainee.
    SELECT person_id FROM relationships
    GROUP BY person_id
    HAVING bool_and(trainee_id IN (SELECT trainee_id FROM gone))
)
SELECT 'trainees' AS table_name, count(*) AS n FROM gone
UNION ALL SELECT 'people', count(*) FROM orphaned
UNION ALL SELECT 'relationships', count(*) FROM relationships WHERE trainee_id IN (SELECT trainee_id FROM gone)
UNION ALL SELECT 'relationship_functions', count(*) FROM relationship_functions
    WHERE trainee_id IN (SELECT trainee_id FROM gone)
UNION ALL SELECT 'consultations', count(*) FROM consultations WHERE trainee_id IN (SELECT trainee_id FROM gone)
UNION ALL SELECT 'needs', count(*) FROM needs WHERE trainee_id IN (SELECT trainee_id FROM gone)
UNION ALL SELECT 'audit_log', count(*) FROM audit_log WHERE occurred_at < $audit_before;
