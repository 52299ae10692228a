-- The hash the next audit row follows: the row_hash of the last row (none: the first row).
SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1;
