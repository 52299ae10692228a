-- One row per committed import.
INSERT INTO imports (import_id, finished_at, source, mode, row_counts)
SELECT coalesce(max(import_id), 0) + 1, current_timestamp, $source, $mode, $row_counts
FROM imports;
