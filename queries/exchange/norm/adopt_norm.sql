-- Adopting a norm proposal for one programme: its rows are replaced by the
-- proposal's (staged_norm_roles, staged_norm_consultations, registered on the
-- transaction's cursor, already validated by the import's rules). One
-- transaction with the audit row (dashboard.exchange.norm_proposal.adopt).
DELETE FROM norm_roles WHERE programme = $programme;
DELETE FROM norm_consultations WHERE programme = $programme;
INSERT INTO norm_roles (programme, role, expected_strength)
SELECT programme, role, expected_strength FROM staged_norm_roles;
INSERT INTO norm_consultations (programme, role_a, role_b)
SELECT programme, role_a, role_b FROM staged_norm_consultations;
