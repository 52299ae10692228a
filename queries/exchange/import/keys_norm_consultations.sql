-- The keys of the stored norm_consultations, to resolve references and count updates.
SELECT programme, role_a, role_b FROM norm_consultations;
