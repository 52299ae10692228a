INSERT INTO users (email, role, created_at) VALUES ($email, $role, $created_at);
