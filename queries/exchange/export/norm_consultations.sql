-- norm_consultations.csv, sorted by key.
SELECT programme, role_a, role_b, extra FROM norm_consultations ORDER BY programme, role_a, role_b;
