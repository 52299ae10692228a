-- The keys of the stored norm_roles, to resolve references and count updates.
SELECT programme, role FROM norm_roles;
