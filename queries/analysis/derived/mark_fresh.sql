-- After a full refresh the derived tables are those of the current data version.
UPDATE data_state SET derived_version = version;
