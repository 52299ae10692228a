-- institutes.csv, sorted by key.
SELECT institute_id, name, extra FROM institutes ORDER BY institute_id;
