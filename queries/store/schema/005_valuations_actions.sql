-- Schema version 5: steps 5 and 6 of the six steps (shared/domain.md) and the
-- capture page (docs/vastleggen.md).
--
-- valuations: step 5, does the network give the support needed (one per
-- trainee and wave). actions: step 6, what the trainee agreed to arrange (a
-- function, optionally a person). Their keys, like those of the large tables,
-- are checked before commit (queries/store/integrity_rules.sql), not as
-- PRIMARY KEYs: a capture deletes and writes one trainee's wave in one
-- transaction, and DuckDB refuses re-inserting a deleted PRIMARY KEY there.
-- References likewise (see 001_initial.sql).
--
-- wave_revisions: the capture's optimistic concurrency check. One row per
-- (trainee, wave) that was saved through the capture page: a save names the
-- revision its form was built from, and is refused when the stored one moved
-- on (dashboard/exchange/capture.py). An import does not count as a save.
--
-- users and user_scopes are rebuilt (DuckDB cannot change a CHECK in place)
-- for two new roles: student (scope: one trainee) and werkplekbegeleider
-- (scope: one person, who sees the trainees they have a formal relationship
-- with). All in the upgrade's one transaction (dashboard/store/db.py: migrate).

CREATE TABLE valuations (
    trainee_id VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    support    VARCHAR NOT NULL CHECK (support IN ('ja', 'deels', 'nee')),
    note       VARCHAR,
    extra      VARCHAR
    -- key (trainee_id, wave): unique, checked in integrity_rules.sql
);

CREATE TABLE actions (
    trainee_id VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    action_id  VARCHAR NOT NULL CHECK (action_id <> ''),
    function   VARCHAR NOT NULL,
    person_id  VARCHAR,
    note       VARCHAR,
    status     VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'gedaan', 'vervallen')),
    extra      VARCHAR
    -- key (trainee_id, wave, action_id): unique, checked in integrity_rules.sql
);

CREATE TABLE wave_revisions (
    trainee_id VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    saved_by   VARCHAR NOT NULL CHECK (saved_by <> ''),
    saved_at   TIMESTAMP NOT NULL,  -- UTC
    PRIMARY KEY (trainee_id, wave)
);

CREATE TABLE users_v5 (
    email      VARCHAR PRIMARY KEY CHECK (email <> '' AND email = lower(email) AND email = trim(email)),
    role       VARCHAR NOT NULL CHECK (role IN ('beheerder', 'schoolopleider',
                   'instituutsopleider', 'management', 'werkplekbegeleider', 'student')),
    created_at TIMESTAMP NOT NULL  -- UTC
);
INSERT INTO users_v5 (email, role, created_at) SELECT email, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v5 RENAME TO users;

CREATE TABLE user_scopes_v4 (
    email VARCHAR NOT NULL,
    kind  VARCHAR NOT NULL CHECK (kind IN ('school', 'institute', 'trainee', 'person')),
    id    VARCHAR NOT NULL CHECK (id <> ''),
    PRIMARY KEY (email, kind, id)
);
INSERT INTO user_scopes_v4 (email, kind, id) SELECT email, kind, id FROM user_scopes;
DROP TABLE user_scopes;
ALTER TABLE user_scopes_v4 RENAME TO user_scopes;
