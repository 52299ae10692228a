INSERT INTO schema_version (version, file) VALUES ($version, $file);
