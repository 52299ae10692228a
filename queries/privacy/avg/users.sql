SELECT * FROM users WHERE list_contains($emails, email) ORDER BY email;
