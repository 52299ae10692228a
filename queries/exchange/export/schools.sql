-- schools.csv, sorted by key.
SELECT school_id, name, sector, extra FROM schools ORDER BY school_id;
