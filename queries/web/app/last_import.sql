-- The most recent completed import (failed imports leave no row).
SELECT import_id, finished_at, source, mode, row_counts
FROM imports
ORDER BY finished_at DESC, import_id DESC
LIMIT 1;
