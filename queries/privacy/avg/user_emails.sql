-- The user accounts among these e-mail addresses (lower-case).
SELECT email FROM users WHERE list_contains($emails, email) ORDER BY email;
