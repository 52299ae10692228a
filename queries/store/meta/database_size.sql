-- The block size and the number of blocks in use that the database's header
-- reports (store/file_check.py compares them with the file's length).
-- Not total_blocks: that counts free blocks too, and a checkpoint cuts free
-- blocks at the end off the file while total_blocks keeps counting them, so
-- a healthy file after a large delete is shorter than total_blocks says.
SELECT block_size, used_blocks
FROM pragma_database_size()
WHERE database_name = current_database()
