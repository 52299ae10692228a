SELECT * FROM needs WHERE trainee_id = $id ORDER BY wave, function;
