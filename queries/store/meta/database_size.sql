-- The block size and the number of blocks the database's header says it has
-- (store/file_check.py compares them with the file's length).
SELECT block_size, total_blocks
FROM pragma_database_size()
WHERE database_name = current_database()
