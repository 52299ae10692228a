-- After an incremental refresh (one capture's trainees) the derived tables are
-- current only when they were current before this transaction bumped the version.
UPDATE data_state SET derived_version = version WHERE derived_version = version - 1;
