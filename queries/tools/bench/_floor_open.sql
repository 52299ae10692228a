-- Opening of the benchmark's direct-SQL floors (dashboard/tools/floors.py): the most direct
-- DuckDB SQL for the same answers as dashboard.analysis, written for speed and on purpose
-- independent of queries/analysis (an inefficient product statement must not be its own floor).
-- tests/test_bench_floors.py checks that every floor returns the product's rows.
-- It defines, for the trainees $school / $institute / $trainee / $leaving (who has a relationship with them) choose
-- (null: all), as the data stood after wave rank $upto_wave (null: every wave; the derived layer's
-- refresh floor evaluates each wave in turn):
--   norm_role(programme, role, expected_rank), norm_pair(programme, role_a, role_b), from bound lists;
--   taxonomy(function, position), from the bound list $functions;
--   rel:  their relationships, with wave rank (wr) and strength rank (sr);
--   tr:   each of them with data, on their latest wave (wr), with the programme whose norm applies (np).
WITH norm_role AS (
    SELECT unnest($norm_role_programme::VARCHAR[]) AS programme, unnest($norm_role_role::VARCHAR[]) AS role,
           unnest($norm_role_rank::INTEGER[]) AS expected_rank
),
norm_pair AS (
    SELECT unnest($norm_pair_programme::VARCHAR[]) AS programme, unnest($norm_pair_a::VARCHAR[]) AS role_a,
           unnest($norm_pair_b::VARCHAR[]) AS role_b
),
taxonomy AS (
    SELECT unnest($functions::VARCHAR[]) AS function, generate_subscripts($functions::VARCHAR[], 1) AS position
),
picked AS (
    SELECT trainee_id, name, school_id, institute_id, cohort, programme
    FROM trainees
    WHERE ($school::VARCHAR IS NULL OR school_id = $school::VARCHAR)
      AND ($institute::VARCHAR IS NULL OR institute_id = $institute::VARCHAR)
      AND ($trainee::VARCHAR IS NULL OR trainee_id = $trainee::VARCHAR)
      AND ($leaving::VARCHAR IS NULL
           OR trainee_id IN (SELECT trainee_id FROM relationships WHERE person_id = $leaving::VARCHAR))
),
rel AS (
    SELECT r.trainee_id, r.person_id, r.wave, r.formal, r.klik, r.contribution, r.assesses, r.strength,
           CASE r.wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END AS wr,
           CASE r.strength WHEN 'sterk' THEN 2 WHEN 'zwak' THEN 1 ELSE 0 END AS sr
    FROM relationships r
    WHERE (($school::VARCHAR IS NULL AND $institute::VARCHAR IS NULL AND $trainee::VARCHAR IS NULL
            AND $leaving::VARCHAR IS NULL)
           OR r.trainee_id IN (SELECT trainee_id FROM picked))
      AND ($upto_wave::INTEGER IS NULL
           OR CASE r.wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END <= $upto_wave::INTEGER)
),
tr AS (
    SELECT p.trainee_id, p.name, p.school_id, p.institute_id, p.cohort, l.wr,
           CASE WHEN list_contains($norm_programmes::VARCHAR[], p.programme) THEN p.programme ELSE '*' END AS np
    FROM picked p
    JOIN (SELECT trainee_id, max(wr) AS wr FROM rel GROUP BY trainee_id) l ON l.trainee_id = p.trainee_id
    WHERE $upto_wave::INTEGER IS NULL OR l.wr = $upto_wave::INTEGER
)
