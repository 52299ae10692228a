"""Data in and out: the interchange format, import with its validation, export,
and the generator of fictitious partnerships. SQL: ``queries/exchange/``."""
