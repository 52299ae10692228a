-- Expected formal roles per programme ('*' = every programme).
SELECT programme, role, expected_strength
FROM norm_roles
ORDER BY programme, role
