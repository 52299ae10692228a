INSERT INTO user_scopes (email, kind, id) VALUES ($email, $kind, $id);
