-- The highest block that holds stored data of the table $table (null without
-- any): store/file_check.py takes the highest over all tables as a least
-- length of a whole file.
SELECT max(block_id)
FROM pragma_storage_info($table)
WHERE persistent
