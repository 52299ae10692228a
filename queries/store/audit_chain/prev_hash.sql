-- The row_hash the chain continues from before id $from_id: the row before it, if any.
SELECT row_hash FROM audit_log WHERE id < $from_id ORDER BY id DESC LIMIT 1;
