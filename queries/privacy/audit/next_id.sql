-- The id of the next audit row, with the hash of the row it follows (NULL: the first row).
SELECT nextval('audit_log_id') AS id,
       (SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1) AS prev_hash;
