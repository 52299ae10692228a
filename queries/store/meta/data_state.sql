-- The data version (the dashboard's cache key) and whether the derived tables are current.
SELECT version, derived_version = version AS derived_fresh FROM data_state;
