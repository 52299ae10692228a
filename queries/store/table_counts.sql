-- Rows per data table, for the start page and the command line.
SELECT 'functions' AS table_name, count(*) AS n FROM functions
UNION ALL SELECT 'schools', count(*) FROM schools
UNION ALL SELECT 'institutes', count(*) FROM institutes
UNION ALL SELECT 'trainees', count(*) FROM trainees
UNION ALL SELECT 'people', count(*) FROM people
UNION ALL SELECT 'relationships', count(*) FROM relationships
UNION ALL SELECT 'relationship_functions', count(*) FROM relationship_functions
UNION ALL SELECT 'consultations', count(*) FROM consultations
UNION ALL SELECT 'needs', count(*) FROM needs
UNION ALL SELECT 'valuations', count(*) FROM valuations
UNION ALL SELECT 'actions', count(*) FROM actions
UNION ALL SELECT 'norm_roles', count(*) FROM norm_roles
UNION ALL SELECT 'norm_consultations', count(*) FROM norm_consultations;
