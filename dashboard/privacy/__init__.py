"""Privacy (AVG): viewers and their scope, users, the audit trail, inzage and
erasure, retention, small-group suppression. SQL: ``queries/privacy/``."""
