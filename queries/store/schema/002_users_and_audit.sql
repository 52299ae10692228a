-- Schema version 2: who may use the dashboard, and what they did.
-- (docs/privacy.md describes roles, scope, the audit trail and retention.)
--
-- users: one row per login, keyed by the lower-case email that the identity
-- provider reports. Scope lives in user_scopes, one row per school or
-- institute the user may see, so a user can have several. Which role needs
-- which kind of scope (schoolopleider: >= 1 school, instituutsopleider: >= 1
-- institute, beheerder/management: none) is checked by dashboard/privacy/users.py.
-- Like the data tables, references are not FOREIGN KEYs (see 001_initial.sql).
-- A scope id whose school or institute a later --replace import removed stays
-- (the import must not fail over it); `users list` marks it as unknown.

CREATE TABLE users (
    email      VARCHAR PRIMARY KEY CHECK (email <> '' AND email = lower(email) AND email = trim(email)),
    role       VARCHAR NOT NULL CHECK (role IN ('beheerder', 'schoolopleider',
                   'instituutsopleider', 'management')),
    created_at TIMESTAMP NOT NULL  -- UTC
);

CREATE TABLE user_scopes (
    email VARCHAR NOT NULL,
    kind  VARCHAR NOT NULL CHECK (kind IN ('school', 'institute')),
    id    VARCHAR NOT NULL CHECK (id <> ''),
    PRIMARY KEY (email, kind, id)
);

-- Append-only record of what was done with the data. Rows are only ever
-- inserted (queries/privacy/audit/record.sql). Two documented exceptions, both in
-- dashboard/privacy/avg.py: `purge` deletes rows older than the retention cut-off,
-- and `person erase` blanks the erased person's id and email in earlier rows
-- (the right to erasure outweighs keeping their id in the log).
-- `actor` is the user's email, or 'lokaal' (the dashboard without login) or
-- 'cli' (the command line). `detail` is a JSON object text and never holds
-- names or free text. Action codes are checked in dashboard/privacy/audit.py rather
-- than here, so that later features add codes without rebuilding the table.
CREATE SEQUENCE audit_log_id START 1;

CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id'),
    occurred_at TIMESTAMP NOT NULL,  -- UTC ('at' is a reserved word)
    actor       VARCHAR NOT NULL CHECK (actor <> ''),
    role        VARCHAR,
    action      VARCHAR NOT NULL CHECK (action <> ''),
    subject_id  VARCHAR,
    detail      VARCHAR
);
