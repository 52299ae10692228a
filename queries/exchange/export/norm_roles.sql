-- norm_roles.csv, sorted by key.
SELECT programme, role, expected_strength, extra FROM norm_roles ORDER BY programme, role;
