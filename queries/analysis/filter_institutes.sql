SELECT institute_id, name FROM institutes ORDER BY name, institute_id
