-- The stored required consultation pairs of one programme's norm.
SELECT role_a, role_b FROM norm_consultations WHERE programme = $programme ORDER BY role_a, role_b
