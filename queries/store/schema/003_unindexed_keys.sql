-- Schema version 3: relationships, relationship_functions, consultations and
-- needs keep their keys without a PRIMARY KEY constraint. DuckDB keeps a
-- PRIMARY KEY as an ART index over the key's text columns, and maintaining
-- those four indexes was most of an import's time (docs/performance.md:
-- about 4 of 6 seconds for 40,000 trainees); no query uses them (DuckDB
-- answers the dashboard's questions by scanning, and an ART index serves only
-- point lookups on all its columns). The keys stay unique: the import reports
-- a repeated key in a file and updates a stored key instead of adding it, and
-- every write transaction checks uniqueness before it commits
-- (queries/store/integrity_rules.sql), as it checks the references and the
-- two-column rules (see 001_initial.sql).
--
-- DuckDB cannot drop a PRIMARY KEY in place: each table is rebuilt with the
-- same columns (in the same order), types, NOT NULLs, defaults and CHECKs as
-- in 001_initial.sql, and its rows copied over by column name. This runs in
-- the one transaction of the upgrade (dashboard/store/db.py: migrate), so a failed
-- upgrade leaves the version-2 tables as they were.

CREATE TABLE relationships_v3 (
    trainee_id        VARCHAR NOT NULL,
    person_id         VARCHAR NOT NULL,
    wave              VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    formal            BOOLEAN NOT NULL,
    strength          VARCHAR NOT NULL CHECK (strength IN ('sterk', 'zwak', 'geen')),
    klik              VARCHAR CHECK (klik IN ('ja', 'twijfel', 'nee')),
    contribution      VARCHAR NOT NULL DEFAULT 'positief'
                          CHECK (contribution IN ('positief', 'negatief')),
    assesses          BOOLEAN,
    contact_frequency VARCHAR CHECK (contact_frequency IN ('dagelijks', 'wekelijks', 'maandelijks', 'zelden')),
    contact_note      VARCHAR,
    extra             VARCHAR
    -- key (trainee_id, person_id, wave): unique, checked in integrity_rules.sql
    -- trainee_id <> person_id: checked in integrity_rules.sql (see 001_initial.sql)
);
INSERT INTO relationships_v3 (trainee_id, person_id, wave, formal, strength, klik, contribution,
                              assesses, contact_frequency, contact_note, extra)
SELECT trainee_id, person_id, wave, formal, strength, klik, contribution,
       assesses, contact_frequency, contact_note, extra
FROM relationships;
DROP TABLE relationships;
ALTER TABLE relationships_v3 RENAME TO relationships;

-- The functions a relationship serves: one row per (relationship, function).
CREATE TABLE relationship_functions_v3 (
    trainee_id VARCHAR NOT NULL,
    person_id  VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    function   VARCHAR NOT NULL
    -- key (trainee_id, person_id, wave, function): unique, checked in integrity_rules.sql
);
INSERT INTO relationship_functions_v3 (trainee_id, person_id, wave, function)
SELECT trainee_id, person_id, wave, function
FROM relationship_functions;
DROP TABLE relationship_functions;
ALTER TABLE relationship_functions_v3 RENAME TO relationship_functions;

-- Consultation ("overleg") is symmetric: stored once with person_a < person_b.
CREATE TABLE consultations_v3 (
    trainee_id VARCHAR NOT NULL,
    person_a   VARCHAR NOT NULL,
    person_b   VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    frequency  VARCHAR CHECK (frequency IN ('dagelijks', 'wekelijks', 'maandelijks', 'zelden')),
    extra      VARCHAR
    -- key (trainee_id, person_a, person_b, wave): unique, checked in integrity_rules.sql
    -- person_a < person_b: checked in integrity_rules.sql (see 001_initial.sql)
);
INSERT INTO consultations_v3 (trainee_id, person_a, person_b, wave, frequency, extra)
SELECT trainee_id, person_a, person_b, wave, frequency, extra
FROM consultations;
DROP TABLE consultations;
ALTER TABLE consultations_v3 RENAME TO consultations;

CREATE TABLE needs_v3 (
    trainee_id VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    function   VARCHAR NOT NULL,
    extra      VARCHAR
    -- key (trainee_id, wave, function): unique, checked in integrity_rules.sql
);
INSERT INTO needs_v3 (trainee_id, wave, function, extra)
SELECT trainee_id, wave, function, extra
FROM needs;
DROP TABLE needs;
ALTER TABLE needs_v3 RENAME TO needs;
