-- Required consultation pairs per programme ('*' = every programme).
SELECT programme, role_a, role_b
FROM norm_consultations
ORDER BY programme, role_a, role_b
