"""The database: where the file is, schema upgrades, named SQL (``queries/``),
transactions and the integrity rules every write passes. SQL: ``queries/store/``."""
