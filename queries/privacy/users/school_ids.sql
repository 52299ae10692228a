SELECT school_id AS id FROM schools ORDER BY school_id;
