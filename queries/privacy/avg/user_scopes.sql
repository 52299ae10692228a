SELECT * FROM user_scopes WHERE list_contains($emails, email) ORDER BY email, kind, id;
