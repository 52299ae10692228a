SELECT school_id, name FROM schools ORDER BY name, school_id
