-- The stored expected roles of one programme's norm (the previous norm an adoption keeps in the audit trail).
SELECT role, expected_strength FROM norm_roles WHERE programme = $programme ORDER BY role
