-- A user and their scope (also used to replace a user's role and scope).
DELETE FROM user_scopes WHERE email = $email;
DELETE FROM users WHERE email = $email;
