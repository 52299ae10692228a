-- The keys of the stored schools, to resolve references and count updates.
SELECT school_id FROM schools;
