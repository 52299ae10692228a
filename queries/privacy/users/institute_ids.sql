SELECT institute_id AS id FROM institutes ORDER BY institute_id;
